"""The Conversations API: ``/conversations`` (create, retrieve, update, delete) and their ``items``
(create, list, retrieve, delete)."""

from __future__ import annotations

from typing import Any

from .. import validation as v
from ..conversation_store import ConversationStore
from ..listing import page_params
from ..replies import ID, JsonReply, Query, Reply, Route, body_of
from .responses import include_query, input_value

CONVERSATION_FIELDS: dict[str, v.Check] = {"items": v.nullable(input_value), "metadata": v.nullable(v.metadata)}
CONVERSATION_UPDATE_FIELDS: dict[str, v.Check] = {"metadata": v.metadata}
ITEMS_FIELDS: dict[str, v.Check] = {"items": input_value}


def routes(store: ConversationStore) -> list[Route]:
    def create_conversation(params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), CONVERSATION_FIELDS)
        return JsonReply(200, store.create_conversation(fields.get("items"), fields.get("metadata")))

    def get_conversation(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.get_conversation(params["conversation_id"]))

    def update_conversation(params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), CONVERSATION_UPDATE_FIELDS, required=("metadata",))
        return JsonReply(200, store.update_conversation(params["conversation_id"], fields["metadata"]))

    def delete_conversation(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.delete_conversation(params["conversation_id"]))

    def create_items(params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), ITEMS_FIELDS, required=("items",))
        return JsonReply(200, store.add_items(params["conversation_id"], fields["items"], include_query(query)))

    def list_items(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.list_items(params["conversation_id"], page_params(query), include_query(query)))

    def get_item(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.get_item(params["conversation_id"], params["item_id"], include_query(query)))

    def delete_item(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.delete_item(params["conversation_id"], params["item_id"]))

    conversation = rf"/conversations/(?P<conversation_id>{ID})"
    return [
        ("POST", r"/conversations", create_conversation),
        ("GET", conversation, get_conversation),
        ("POST", conversation, update_conversation),
        ("DELETE", conversation, delete_conversation),
        ("POST", rf"{conversation}/items", create_items),
        ("GET", rf"{conversation}/items", list_items),
        ("GET", rf"{conversation}/items/(?P<item_id>{ID})", get_item),
        ("DELETE", rf"{conversation}/items/(?P<item_id>{ID})", delete_item),
    ]
