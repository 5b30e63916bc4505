"""The pure mapping of assistants, threads and messages to the API: request bodies, in-place updates that
reset dropped inputs, and refresh that keeps the user's spelling unless the server really differs."""

from __future__ import annotations

from typing import Any

from pulumi_openai_run._objects.assistant import ASSISTANT
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind
from pulumi_openai_run._objects.message import MESSAGE, content_from_api
from pulumi_openai_run._objects.thread import THREAD
from pulumi_openai_run.schema import CREATE_TOKEN_KEY as TOKEN_KEY
from pulumi_openai_run.schema import refreshed_inputs

SERVER_ASSISTANT: dict[str, Any] = {
    "id": "asst_1", "object": "assistant", "created_at": 7, "model": "gpt-4o", "name": "Helper",
    "description": None, "instructions": None, "temperature": 1.0, "top_p": 1.0, "response_format": "auto",
    "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
    "tool_resources": {"code_interpreter": {"file_ids": []}}, "metadata": {"team": "docs", TOKEN_KEY: "abc"},
}



def refreshed(kind: ObjectKind, api_object: ApiObject, inputs: dict[str, Any]) -> dict[str, Any]:
    return refreshed_inputs(kind.fields, inputs, kind.server_values(api_object))


def test_a_create_sends_what_was_given_in_the_apis_shape() -> None:
    body = ASSISTANT.create_body({"model": "gpt-4o", "temperature": 1, "tools": [{"type": "file_search",
                                  "max_num_results": "5"}], "metadata": {"k": "v"}, "__provider": "blob"})
    assert body == {"model": "gpt-4o", "temperature": 1.0, "metadata": {"k": "v"},
                    "tools": [{"type": "file_search", "file_search": {"max_num_results": 5}}]}
    assert isinstance(body["temperature"], float)


def test_a_message_create_sends_a_role_and_keeps_the_thread_for_the_url() -> None:
    assert MESSAGE.create_body({"thread_id": "thread_1", "content": "Hi"}) == {"role": "user", "content": "Hi"}
    assert MESSAGE.scope_of({"thread_id": "thread_1", "content": "Hi"}) == {"thread_id": "thread_1"}


def test_initial_messages_get_a_role() -> None:
    body = THREAD.create_body({"messages": [{"content": "Hi"}, {"role": "assistant", "content": "Hello",
                                                                "metadata": None}]})
    assert body == {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}


def test_an_update_sends_what_changed_and_resets_what_was_dropped() -> None:
    olds = {"model": "gpt-4o", "name": "A", "temperature": 0.2, "tools": [{"type": "code_interpreter"}],
            "metadata": {"k": "v"}, "response_format": {"type": "json_object"}, "object": "assistant"}
    news = {"model": "gpt-4o", "name": "B", "metadata": {"k": "v"}}
    assert ASSISTANT.update_body(olds, news) == {"name": "B", "temperature": 1.0, "tools": [],
                                                 "response_format": "auto"}
    assert ASSISTANT.update_body(olds, {**news, "name": None, "instructions": None})["name"] is None
    assert ASSISTANT.update_body(news, news) == {}


def test_an_update_sends_only_in_place_fields() -> None:
    olds = {"thread_id": "thread_1", "content": "Hi", "metadata": {"k": "v"}}
    assert MESSAGE.update_body(olds, {**olds, "content": "Other", "metadata": {}}) == {"metadata": {}}


def test_refresh_keeps_the_users_spelling_when_the_server_holds_the_same() -> None:
    inputs = {"model": "gpt-4o", "name": "Helper", "temperature": 1,
              "tools": [{"type": "function", "name": "f", "parameters": '{"type": "object"}'}],
              "metadata": {"team": "docs"}}
    assert refreshed(ASSISTANT, SERVER_ASSISTANT, inputs) == inputs


def test_refresh_records_drift_and_drops_what_the_server_reset() -> None:
    inputs = {"model": "gpt-4o", "name": "Helper", "top_p": 0.5, "metadata": {"team": "docs"}}
    server = {**SERVER_ASSISTANT, "model": "gpt-4.1", "instructions": "Set by hand.", "tools": []}
    assert refreshed(ASSISTANT, server, inputs) == {"model": "gpt-4.1", "name": "Helper",
                                                      "metadata": {"team": "docs"}, "instructions": "Set by hand."}


def test_import_reads_every_input_that_is_not_the_apis_default() -> None:
    assert refreshed(ASSISTANT, SERVER_ASSISTANT, {}) == {
        "model": "gpt-4o", "name": "Helper", "metadata": {"team": "docs"},
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
    }


def test_a_messages_content_comes_back_in_the_inputs_spelling() -> None:
    text = {"type": "text", "text": {"value": "Hi", "annotations": []}}
    image = {"type": "image_file", "image_file": {"file_id": "file-1", "detail": "auto"}}
    assert content_from_api([text]) == "Hi"
    assert content_from_api([text, image]) == [{"type": "text", "text": "Hi"}, image]
    server = {"id": "msg_1", "thread_id": "thread_1", "role": "user", "content": [text, image], "attachments": [],
              "metadata": {TOKEN_KEY: "abc"}}
    given = {"thread_id": "thread_1", "content": [{"type": "text", "text": "Hi"},
                                                  {"type": "image_file", "image_file": {"file_id": "file-1"}}]}
    assert refreshed(MESSAGE, server, given) == given
    assert refreshed(MESSAGE, server, {"thread_id": "thread_1"}) == {
        "thread_id": "thread_1", "content": [{"type": "text", "text": "Hi"}, image]}


def test_ids_are_checked_before_they_reach_a_url() -> None:
    assert ASSISTANT.id_problem("asst_1", {}) is None
    assert "plain id" in (ASSISTANT.id_problem("asst_1/../x", {}) or "")
    assert "thread_id is unknown" in (MESSAGE.id_problem("msg_1", {}) or "")
    assert "Message.get(name, 'msg_...', thread_id='thread_...')" in (MESSAGE.id_problem("msg_1", {}) or "")
    assert "thread_id 'a b'" in (MESSAGE.id_problem("msg_1", {"thread_id": "a b"}) or "")
