"""A stack's whole life on OGX, as `pulumi up`, `refresh` and `destroy` drive the real dynamic-provider server:
a Thread (a conversation), a Message (an item on it) and Runs (responses) with and without ``input``; a Run
refreshed to its end; a Run cancelled when its completion_window elapses; destroy of each. What each test
checks on the server it reads back from OGX itself."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import openai
import pytest

from pulumi_openai_run import Message, Run, Thread
from pulumi_openai_run.testing import ProviderError, ProviderServer, urn
from tests.real_server.conftest import API_KEY, FAST_MODEL, SLOW_MODEL

THREAD_URN, MESSAGE_URN, RUN_URN = urn(Thread, "conversation"), urn(Message, "question"), urn(Run, "summary")
WINDOW = 60
"""A completion_window the stub's fast model ends well within."""


def up(engine: ProviderServer, resource_urn: str, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What `pulumi up` does for a new resource: Check, then Create with the checked inputs."""
    checked = engine.check(resource_urn, {}, news)
    assert checked.failures == []
    object_id, state = engine.create(resource_urn, checked.inputs)
    return object_id, dict(state)


def new_thread(engine: ProviderServer, blobs: dict[str, str], **inputs: Any) -> tuple[str, dict[str, Any]]:
    return up(engine, THREAD_URN, {**inputs, "__provider": blobs["thread"]})


def gone(call: Any) -> bool:
    try:
        call()
    except openai.NotFoundError:
        return True
    return False


def refreshed_until_done(engine: ProviderServer, run_id: str, state: dict[str, Any], inputs: dict[str, Any],
                         within: float = WINDOW) -> dict[str, Any]:
    """`pulumi refresh` of the Run until it records a terminal status (the API has no event to await)."""
    deadline = time.monotonic() + within
    while True:
        read = engine.read(RUN_URN, run_id, state, inputs)
        assert read.id == run_id
        if read.outs["status"] not in ("queued", "in_progress"):
            return dict(read.outs)
        assert time.monotonic() < deadline, f"{run_id} still {read.outs['status']} after {within} s"
        time.sleep(0.2)


def test_a_thread_is_a_conversation_created_refreshed_updated_and_destroyed(
        engine: ProviderServer, blobs: dict[str, str], ogx: openai.OpenAI) -> None:
    inputs = {"messages": [{"content": "Hi"}, {"role": "assistant", "content": "Hello, how can I help?"}],
              "metadata": {"team": "docs"}, "__provider": blobs["thread"]}
    thread_id, state = new_thread(engine, blobs, **{k: v for k, v in inputs.items() if k != "__provider"})
    assert thread_id.startswith("conv_") and state["object"] == "conversation"
    assert ogx.conversations.retrieve(thread_id).metadata == {"team": "docs"}
    items = ogx.conversations.items.list(thread_id, order="asc").data
    assert [(item.to_dict()["role"], [part["text"] for part in item.to_dict()["content"]]) for item in items] == [
        ("user", ["Hi"]), ("assistant", ["Hello, how can I help?"])]

    assert engine.read(THREAD_URN, thread_id, state, inputs).outs == state  # refresh: no drift

    changed = {**inputs, "metadata": {"team": "ops"}}
    diff = engine.diff(THREAD_URN, thread_id, state, changed, old_inputs=inputs)
    assert (diff.changes, diff.replaces) == ("some", [])  # metadata changes in place
    state = dict(engine.update(THREAD_URN, thread_id, state, changed, old_inputs=inputs))
    assert state["metadata"] == {"team": "ops"} == ogx.conversations.retrieve(thread_id).metadata

    engine.delete(THREAD_URN, thread_id, state)
    assert gone(lambda: ogx.conversations.retrieve(thread_id))
    assert engine.read(THREAD_URN, thread_id, state, changed).id == ""  # refresh drops it from the stack


def test_a_message_then_a_run_without_input_answers_the_conversation(
        engine: ProviderServer, blobs: dict[str, str], ogx: openai.OpenAI) -> None:
    thread_id, _ = new_thread(engine, blobs)
    message_inputs = {"thread_id": thread_id, "content": "What is in the quarterly report?",
                      "__provider": blobs["message"]}
    message_id, message = up(engine, MESSAGE_URN, message_inputs)
    assert message_id.startswith("msg_") and message["object"] == "conversation.item"
    assert engine.read(MESSAGE_URN, message_id, message, message_inputs).outs == message
    # import: OGX answers the item's content as the string it was sent (OpenAI: a list of parts); same input
    imported = engine.read(MESSAGE_URN, message_id, {}, {"thread_id": thread_id, "__provider": blobs["message"]})
    assert imported.inputs is not None and imported.inputs["content"] == message_inputs["content"]

    inputs = {"thread_id": thread_id, "model": FAST_MODEL, "instructions": "Answer briefly.",
              "completion_window": WINDOW, "metadata": {"team": "docs"}, "__provider": blobs["run"]}
    run_id, state = up(engine, RUN_URN, inputs)
    assert run_id.startswith("resp_") and state["object"] == "response"
    assert state["status"] == "completed"
    assert state["reply"] == "echo: What is in the quarterly report?"  # the stub echoes the conversation's question
    assert state["usage"]["total_tokens"] > 0
    assert state["message_ids"] and state["steps"][0]["type"] == "message"
    stored = ogx.responses.retrieve(run_id)
    assert stored.metadata is not None and stored.metadata["team"] == "docs"
    # import, with the conversation named (OGX's response does not name it; OpenAI's does)
    imported = engine.read(RUN_URN, run_id, {}, {"thread_id": thread_id, "__provider": blobs["run"]})
    assert imported.id == run_id and imported.outs["reply"] == state["reply"]
    assert imported.inputs is not None and imported.inputs["thread_id"] == thread_id
    newest = ogx.conversations.items.list(thread_id, order="desc", limit=1).data[0]
    assert newest.id == state["message_ids"][-1]  # the reply joined the conversation

    engine.delete(MESSAGE_URN, message_id, message)
    assert gone(lambda: ogx.conversations.items.retrieve(message_id, conversation_id=thread_id))
    assert API_KEY not in json.dumps([state, message], default=str)


def test_a_run_with_input_needs_no_message(engine: ProviderServer, blobs: dict[str, str]) -> None:
    thread_id, _ = new_thread(engine, blobs)
    _, state = up(engine, RUN_URN, {"thread_id": thread_id, "model": FAST_MODEL, "input": "Summarise it.",
                                    "completion_window": WINDOW, "__provider": blobs["run"]})
    assert (state["status"], state["reply"]) == ("completed", "echo: Summarise it.")


def test_a_run_followed_over_its_stream_has_the_same_outcome(engine: ProviderServer, blobs: dict[str, str]) -> None:
    thread_id, _ = new_thread(engine, blobs)
    _, state = up(engine, RUN_URN, {"thread_id": thread_id, "model": FAST_MODEL, "input": "Stream it.",
                                    "completion_window": WINDOW, "stream_for_tool": True,
                                    "__provider": blobs["run"]})
    assert (state["status"], state["reply"]) == ("completed", "echo: Stream it.")


def test_a_run_without_a_window_is_refreshed_to_its_end(engine: ProviderServer, blobs: dict[str, str]) -> None:
    thread_id, _ = new_thread(engine, blobs)
    inputs = {"thread_id": thread_id, "model": FAST_MODEL, "input": "Later, please.", "__provider": blobs["run"]}
    run_id, state = up(engine, RUN_URN, inputs)
    assert state["status"] in ("queued", "in_progress") and not state.get("reply")
    done = refreshed_until_done(engine, run_id, state, inputs)
    assert (done["status"], done["reply"]) == ("completed", "echo: Later, please.")
    assert done["completed_at"] >= done["created_at"]


def test_a_run_still_going_when_its_window_elapses_is_cancelled(
        engine: ProviderServer, blobs: dict[str, str], ogx: openai.OpenAI) -> None:
    thread_id, _ = new_thread(engine, blobs)
    window = 2
    with pytest.raises(ProviderError) as failed:
        up(engine, RUN_URN, {"thread_id": thread_id, "model": SLOW_MODEL, "input": "Take your time.",
                             "completion_window": window, "__provider": blobs["run"]})
    message = failed.value.details
    found = re.search(r"Response (resp_\S+) on conversation (conv_\S+) was still (queued|in_progress) when "
                      rf"completion_window \({window} s\) elapsed, so it was cancelled", message)
    assert found, message
    assert found.group(2) == thread_id
    assert ogx.responses.retrieve(found.group(1)).status == "cancelled"


def test_destroy_cancels_a_running_response_and_deletes_a_finished_one(
        engine: ProviderServer, blobs: dict[str, str], ogx: openai.OpenAI) -> None:
    thread_id, _ = new_thread(engine, blobs)
    running_inputs = {"thread_id": thread_id, "model": SLOW_MODEL, "input": "Slowly.", "__provider": blobs["run"]}
    running_id, running = up(engine, RUN_URN, running_inputs)
    assert running["status"] in ("queued", "in_progress")
    engine.delete(RUN_URN, running_id, running)
    assert gone(lambda: ogx.responses.retrieve(running_id))  # cancelled, then deleted

    other, _ = new_thread(engine, blobs)
    done_inputs = {"thread_id": other, "model": FAST_MODEL, "input": "Quickly.", "completion_window": WINDOW,
                   "__provider": blobs["run"]}
    done_id, done = up(engine, RUN_URN, done_inputs)
    assert done["status"] == "completed"
    engine.delete(RUN_URN, done_id, done)
    assert gone(lambda: ogx.responses.retrieve(done_id))
    assert engine.read(RUN_URN, done_id, done, done_inputs).id == ""  # refresh drops it from the stack
