"""The fake's Responses and Conversations APIs, through the real openai client: the rules a Run relies on
(one response per conversation at a time, items on completion, cancel and delete) and the 400s."""

from __future__ import annotations

import threading
from typing import Any

import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI, RunScript


@pytest.fixture
def seeded(fake: FakeOpenAI) -> dict[str, str]:
    prompt = fake.create_prompt(model="gpt-4.1", instructions="Be brief.", temperature=0.3)
    return {"prompt": prompt["id"], "conversation": fake.create_conversation(messages=["Hi"])["id"]}


def create(client: openai.OpenAI, seeded: dict[str, str], **fields: Any) -> Any:
    return client.responses.create(prompt={"id": seeded["prompt"]}, conversation=seeded["conversation"],
                                   background=True, **fields)


def test_a_background_response_moves_on_the_clock_and_joins_its_conversation(
        fake: FakeOpenAI, client: openai.OpenAI, seeded: dict[str, str]) -> None:
    fake.script_runs(RunScript(reply="Hello!", file_search_files=("file-a",)))
    response = create(client, seeded, input="And now?", metadata={"k": "v"})
    assert (response.status, response.model, response.temperature) == ("queued", "gpt-4.1", 0.3)  # the prompt's
    assert response.prompt is not None and response.prompt.version == "1"
    assert response.conversation is not None and response.conversation.id == seeded["conversation"]
    assert len(client.conversations.items.list(seeded["conversation"]).data) == 1  # nothing added yet
    fake.advance(0.2)
    assert client.responses.retrieve(response.id).status == "in_progress"
    fake.advance(1)
    done = client.responses.retrieve(response.id)
    assert done.status == "completed" and done.output_text == "Hello!" and done.completed_at is not None
    assert done.usage is not None and done.usage.total_tokens == 15
    assert [item.type for item in done.output] == ["file_search_call", "message"]
    assert done.output[0].results is None  # only when included
    included = client.responses.retrieve(response.id, include=["file_search_call.results"])
    assert included.output[0].results[0].file_id == "file-a"  # type: ignore[union-attr,index]
    items = client.conversations.items.list(seeded["conversation"], order="asc").data
    assert [(item.type, getattr(item, "role", None)) for item in items] == [
        ("message", "user"), ("message", "user"), ("file_search_call", None), ("message", "assistant")]
    assert items[-1].id == done.output[-1].id


def test_one_response_at_a_time_per_conversation(fake: FakeOpenAI, client: openai.OpenAI,
                                                 seeded: dict[str, str]) -> None:
    create(client, seeded)
    with pytest.raises(openai.BadRequestError) as caught:
        create(client, seeded)
    assert caught.value.code == "conversation_locked"
    with pytest.raises(openai.BadRequestError):
        client.conversations.items.create(seeded["conversation"], items=[{"role": "user", "content": "x"}])
    fake.advance(1)
    assert create(client, seeded).status == "queued"


@pytest.mark.parametrize(("outcome", "status", "adds_items"), [
    ("failed", "failed", False), ("incomplete", "incomplete", True), ("requires_action", "completed", True),
])
def test_outcomes(fake: FakeOpenAI, client: openai.OpenAI, seeded: dict[str, str],
                  outcome: str, status: str, adds_items: bool) -> None:
    fake.script_runs(RunScript(outcome=outcome, function_name="lookup"))  # type: ignore[arg-type]
    response = create(client, seeded)
    fake.advance(1)
    done = client.responses.retrieve(response.id)
    assert done.status == status
    if outcome == "failed":
        assert done.error is not None and done.error.code == "server_error"
    if outcome == "incomplete":
        assert done.incomplete_details is not None and done.incomplete_details.reason == "max_output_tokens"
    if outcome == "requires_action":
        assert [(item.type, getattr(item, "name", None)) for item in done.output] == [("function_call", "lookup")]
    assert (len(fake.conversation_items(seeded["conversation"])) > 1) is adds_items


def test_cancel_and_delete(fake: FakeOpenAI, client: openai.OpenAI, seeded: dict[str, str]) -> None:
    response = create(client, seeded)
    assert client.responses.cancel(response.id).status == "cancelled"
    assert client.responses.cancel(response.id).status == "cancelled"  # twice: the same answer
    finished = create(client, seeded)  # the conversation is free again
    fake.advance(1)
    with pytest.raises(openai.BadRequestError, match="status 'completed'"):
        client.responses.cancel(finished.id)
    client.responses.delete(finished.id)
    with pytest.raises(openai.NotFoundError, match="Response with id"):
        client.responses.retrieve(finished.id)
    assert len(fake.conversation_items(seeded["conversation"])) == 2  # its reply stays in the conversation


def test_a_foreground_response_answers_when_done_and_cannot_be_cancelled(seeded: dict[str, str]) -> None:
    with FakeOpenAI(clock="real") as live:
        live.default_script = RunScript(queued_for=0.0, duration=0.1)
        client = openai.OpenAI(base_url=live.base_url, api_key=live.api_key, max_retries=0)
        response = client.responses.create(model="gpt-4o", input="Hi")
        assert response.status == "completed" and response.output_text and response.conversation is None
        with pytest.raises(openai.BadRequestError, match="background=true"):
            client.responses.cancel(response.id)


def test_streams_end_after_the_terminal_event_and_resume(fake: FakeOpenAI, client: openai.OpenAI,
                                                         seeded: dict[str, str]) -> None:
    stream = create(client, seeded, stream=True)
    seen: list[Any] = []
    reader = threading.Thread(target=lambda: seen.extend(stream))
    reader.start()
    fake.advance(1)
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert [e.type for e in seen] == ["response.created", "response.queued", "response.in_progress",
                                      "response.output_item.added", "response.output_text.delta",
                                      "response.output_text.done", "response.output_item.done", "response.completed"]
    assert [e.sequence_number for e in seen] == list(range(len(seen)))
    resumed = client.responses.retrieve(seen[0].response.id, stream=True, starting_after=5)
    assert [e.type for e in resumed] == ["response.output_item.done", "response.completed"]


def test_conversations_and_items(client: openai.OpenAI) -> None:
    conversation = client.conversations.create(items=[{"role": "user", "content": f"m{i}"} for i in range(3)],
                                               metadata={"topic": "x"})
    assert conversation.id.startswith("conv_") and conversation.metadata == {"topic": "x"}
    first = client.conversations.items.list(conversation.id, limit=2, order="asc")
    assert first.has_more and len(first.data) == 2
    rest = client.conversations.items.list(conversation.id, limit=2, order="asc", after=first.data[-1].id)
    assert not rest.has_more and len(rest.data) == 1
    added = client.conversations.items.create(conversation.id, items=[{"role": "assistant", "content": "ok"}])
    item = client.conversations.items.retrieve(added.data[0].id, conversation_id=conversation.id)
    assert item.type == "message" and item.role == "assistant"  # type: ignore[union-attr]
    client.conversations.items.delete(item.id, conversation_id=conversation.id)
    assert len(client.conversations.items.list(conversation.id).data) == 3
    assert client.conversations.update(conversation.id, metadata={"topic": "y"}).metadata == {"topic": "y"}
    assert client.conversations.delete(conversation.id).deleted
    with pytest.raises(openai.NotFoundError, match="Conversation with id"):
        client.conversations.retrieve(conversation.id)


@pytest.mark.parametrize(("fields", "message"), [
    ({"tools": [{"type": "function", "function": {"name": "f"}}]}, r"'tools\[0\].name'"),
    ({"tools": [{"type": "file_search"}]}, r"'tools\[0\].vector_store_ids'"),
    ({"tools": [{"type": "code_interpreter"}]}, r"'tools\[0\].container'"),
    ({"max_output_tokens": 8}, "Expected a value >= 16"),
    ({"max_completion_tokens": 8}, "Unrecognized request argument supplied: max_completion_tokens"),
    ({"include": ["everything"]}, "Invalid value: 'everything'"),
    ({"previous_response_id": "resp_x"}, "Mutually exclusive"),
    ({"store": False}, "store=true"),
])
def test_requests_the_service_refuses(client: openai.OpenAI, seeded: dict[str, str], fields: dict[str, Any],
                                      message: str) -> None:
    with pytest.raises(openai.BadRequestError, match=message):
        create(client, seeded, extra_body=fields)


def test_unknown_ids_and_a_missing_model(client: openai.OpenAI, seeded: dict[str, str]) -> None:
    with pytest.raises(openai.NotFoundError, match="Prompt with id 'pmpt_x' not found"):
        client.responses.create(prompt={"id": "pmpt_x"}, background=True)
    with pytest.raises(openai.NotFoundError, match="Conversation with id 'conv_x' not found"):
        create(client, {**seeded, "conversation": "conv_x"})
    with pytest.raises(openai.BadRequestError, match="'model'"):
        client.responses.create(input="Hi", background=True)
