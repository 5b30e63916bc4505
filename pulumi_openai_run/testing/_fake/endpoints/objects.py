"""Assistants v2 objects: ``/assistants``, ``/threads`` and their ``/messages``."""

from __future__ import annotations

from typing import Any

from .. import validation as v
from ..listing import page_params
from ..replies import ID, JsonReply, Query, Reply, Route, body_of
from ..state import FakeState


class _Objects:
    def __init__(self, state: FakeState) -> None:
        self.state = state

    # -- assistants -----------------------------------------------------------------------------

    def create_assistant(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), v.ASSISTANT_FIELDS, required=("model",))
        return JsonReply(200, self.state.create_assistant(fields))

    def list_assistants(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.list_assistants(page_params(query)))

    def get_assistant(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.get_assistant(params["assistant_id"]))

    def update_assistant(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), v.ASSISTANT_FIELDS)
        return JsonReply(200, self.state.update_assistant(params["assistant_id"], fields))

    def delete_assistant(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.delete_assistant(params["assistant_id"]))

    # -- threads --------------------------------------------------------------------------------

    def create_thread(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), v.THREAD_FIELDS)
        thread = self.state.create_thread(fields.get("messages"), fields.get("metadata"), fields.get("tool_resources"))
        return JsonReply(200, thread)

    def get_thread(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.get_thread(params["thread_id"]))

    def update_thread(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), v.THREAD_UPDATE_FIELDS)
        thread = self.state.update_thread(params["thread_id"], fields.get("metadata"), fields.get("tool_resources"))
        return JsonReply(200, thread)

    def delete_thread(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.delete_thread(params["thread_id"]))

    # -- messages -------------------------------------------------------------------------------

    def create_message(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), v.MESSAGE_FIELDS, required=("role", "content"))
        return JsonReply(200, self.state.create_message(params["thread_id"], fields))

    def list_messages(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        run_ids = query.get("run_id")
        run_id = run_ids[-1] if run_ids else None
        return JsonReply(200, self.state.list_messages(params["thread_id"], page_params(query), run_id))

    def get_message(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.get_message(params["thread_id"], params["message_id"]))

    def update_message(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), v.METADATA_ONLY_FIELDS)
        message = self.state.update_message(params["thread_id"], params["message_id"], fields.get("metadata"))
        return JsonReply(200, message)

    def delete_message(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.delete_message(params["thread_id"], params["message_id"]))


def routes(state: FakeState) -> list[Route]:
    api = _Objects(state)
    message = rf"/threads/(?P<thread_id>{ID})/messages/(?P<message_id>{ID})"
    return [
        ("POST", r"/assistants", api.create_assistant),
        ("GET", r"/assistants", api.list_assistants),
        ("GET", rf"/assistants/(?P<assistant_id>{ID})", api.get_assistant),
        ("POST", rf"/assistants/(?P<assistant_id>{ID})", api.update_assistant),
        ("DELETE", rf"/assistants/(?P<assistant_id>{ID})", api.delete_assistant),
        ("POST", r"/threads", api.create_thread),
        ("GET", rf"/threads/(?P<thread_id>{ID})", api.get_thread),
        ("POST", rf"/threads/(?P<thread_id>{ID})", api.update_thread),
        ("DELETE", rf"/threads/(?P<thread_id>{ID})", api.delete_thread),
        ("POST", rf"/threads/(?P<thread_id>{ID})/messages", api.create_message),
        ("GET", rf"/threads/(?P<thread_id>{ID})/messages", api.list_messages),
        ("GET", message, api.get_message),
        ("POST", message, api.update_message),
        ("DELETE", message, api.delete_message),
    ]
