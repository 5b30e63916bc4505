"""The fake's Conversations API through the real openai client: what a Thread (a conversation) and a Message
(a conversation item) on the Responses API rely on."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI


def test_conversation_lifecycle(client: openai.OpenAI, fake: FakeOpenAI) -> None:
    conversation = client.conversations.create(
        items=[{"role": "user", "content": "Hi"},
               {"role": "user", "content": [{"type": "input_text", "text": "Look:"},
                                            {"type": "input_image", "file_id": "file-img"}]}],
        metadata={"a": "1", "b": "2"})
    assert conversation.object == "conversation" and conversation.id.startswith("conv_")
    assert client.conversations.retrieve(conversation.id) == conversation
    updated = client.conversations.update(conversation.id, metadata={"c": "3"})
    assert updated.metadata == {"c": "3"}  # the map is replaced, not merged
    items = client.conversations.items.list(conversation.id, order="asc").data
    assert [len(item.content) for item in items if item.type == "message"] == [1, 2]
    assert client.conversations.delete(conversation.id).deleted
    with pytest.raises(openai.NotFoundError):
        client.conversations.retrieve(conversation.id)
    with pytest.raises(KeyError):
        fake.conversation_items(conversation.id)


def test_items_create_list_retrieve_delete(client: openai.OpenAI) -> None:
    conversation = client.conversations.create()
    added = client.conversations.items.create(
        conversation.id, items=[{"role": "user", "content": "one"},
                                {"type": "message", "role": "user",
                                 "content": [{"type": "input_file", "file_id": "file-doc"}]}])
    assert added.object == "list" and [item.id for item in added.data] == [added.first_id, added.last_id]
    listed = client.conversations.items.list(conversation.id, order="desc", limit=1)
    assert [item.id for item in listed.data] == [added.last_id] and listed.has_more
    assert [item.id for item in client.conversations.items.list(conversation.id, order="asc")] == [
        added.first_id, added.last_id]  # auto-paging follows last_id
    assert added.first_id is not None and added.last_id is not None
    assert client.conversations.items.retrieve(added.first_id, conversation_id=conversation.id).id == added.first_id
    answer = client.conversations.items.delete(added.first_id, conversation_id=conversation.id)
    assert answer.id == conversation.id and answer.object == "conversation"  # a delete answers the conversation
    with pytest.raises(openai.NotFoundError):
        client.conversations.items.retrieve(added.first_id, conversation_id=conversation.id)


@pytest.mark.parametrize("where", ["create", "items"])
def test_at_most_20_items(client: openai.OpenAI, where: str) -> None:
    items: Any = [{"role": "user", "content": f"m{i}"} for i in range(21)]
    conversation = client.conversations.create(items=items[:20])
    assert len(client.conversations.items.list(conversation.id, limit=100).data) == 20
    with pytest.raises(openai.BadRequestError, match="maximum length 20") as caught:
        if where == "create":
            client.conversations.create(items=items)
        else:
            client.conversations.items.create(conversation.id, items=items)
    assert caught.value.param == "items"


def test_item_content_is_validated(client: openai.OpenAI) -> None:
    conversation = client.conversations.create()
    with pytest.raises(openai.BadRequestError, match="Invalid value: 'text'"):
        client.conversations.items.create(conversation.id, items=[{"role": "user", "content": [
            {"type": "text", "text": "Assistants-API spelling"}]}])  # type: ignore[list-item]
