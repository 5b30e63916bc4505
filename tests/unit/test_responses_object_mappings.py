"""The pure mapping of an Assistant, a Thread and a Message on the Responses API (an agent, a conversation, a
conversation item): the bodies sent, the spellings that mean the same, and refresh reading back what was given."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run._core.tools import ToolError
from pulumi_openai_run._objects.agent_tools import normalize_agent_tools
from pulumi_openai_run._objects.assistant import AGENT, ASSISTANT, normalize_text
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind, variant
from pulumi_openai_run._objects.message import (
    ITEM,
    is_item_of,
    item_content_from_api,
    item_content_to_api,
    normalize_item_content,
)
from pulumi_openai_run._objects.thread import CONVERSATION
from pulumi_openai_run.schema import CREATE_TOKEN_KEY as TOKEN_KEY
from pulumi_openai_run.schema import diff, refreshed_inputs

SERVER_AGENT: dict[str, Any] = {
    "id": "agent_1", "object": "agent", "created_at": 7, "updated_at": 8, "model": "gpt-6-astra", "name": "Helper",
    "instructions": None, "metadata": {"team": "docs", TOKEN_KEY: "abc"},
    "tools": [{"type": "function", "name": "f", "description": "", "parameters": {"type": "object"},
               "defer_loading": False},
              {"type": "web_search", "allowed_domains": None, "context_size": "medium", "location": None,
               "mode": "live"}],
    "reasoning": {"effort": "low", "summary": None},
    "text": {"format": {"type": "text"}, "verbosity": "medium"},
    "multi_agent": {"enabled": False, "max_concurrent_subagents": None}, "service_tier": "auto",
}


def refreshed(kind: ObjectKind, api_object: ApiObject, inputs: dict[str, Any]) -> dict[str, Any]:
    return refreshed_inputs(kind.fields, inputs, kind.server_values(api_object))


def test_an_agent_create_sends_the_persisted_tools_and_never_api() -> None:
    function = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    body = AGENT.create_body({"model": "gpt-6-astra", "api": "responses", "reasoning": {"effort": None},
                              "tools": [function, {"type": "web_search"}], "__provider": "blob"})
    assert body == {"model": "gpt-6-astra", "reasoning": None, "tools": SERVER_AGENT["tools"]}
    assert "api" not in ASSISTANT.create_body({"model": "gpt-4o", "api": "assistants"})


def test_an_agent_reads_back_as_given_and_an_import_without_the_apis_defaults() -> None:
    given = {"model": "gpt-6-astra", "name": "Helper", "reasoning": {"effort": "low"}, "metadata": {"team": "docs"},
             "tools": [{"type": "function", "name": "f", "parameters": '{"type": "object"}'}, {"type": "web_search"}]}
    assert refreshed(AGENT, SERVER_AGENT, given) == given
    imported = refreshed(AGENT, SERVER_AGENT, {})
    assert imported == {**given, "tools": SERVER_AGENT["tools"]}  # no text: it holds the defaults
    assert diff(AGENT.fields, imported, given).changed == []


def test_dropping_an_agents_settings_resets_them() -> None:
    olds = {"model": "m", "reasoning": {"effort": "high"}, "text": {"verbosity": "low"},
            "tools": [{"type": "automations"}], "metadata": {"k": "v"}}
    assert AGENT.update_body(olds, {"model": "m"}) == {
        "reasoning": None, "text": {"format": {"type": "text"}, "verbosity": "medium"}, "tools": [], "metadata": {}}


@pytest.mark.parametrize("spelling", [
    {"type": "function", "name": "f", "description": "", "parameters": {"type": "object"}, "defer_loading": False},
    {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
    {"type": "function", "name": "f", "parameters": '{"type": "object"}', "defer_loading": "false"},
])
def test_every_spelling_of_a_function_tool_is_the_same_agent_tool(spelling: dict[str, Any]) -> None:
    assert normalize_agent_tools([spelling]) == [SERVER_AGENT["tools"][0]]


def test_agent_tools_fill_the_apis_defaults_and_are_idempotent() -> None:
    tools = [{"type": "mcp", "server_label": "s", "transport": {"type": "stdio", "command": "c", "cwd": "/"}},
             {"type": "computer_use"}, {"type": "programmatic_tool_calling"}, {"type": "function", "name": "g"}]
    once = normalize_agent_tools(tools)
    assert once[0] == {"type": "mcp", "server_label": "s", "allowed_tools": None, "connection_origin": "service",
                       "credential_id": None, "request_metadata": {}, "required": False,
                       "transport": {"type": "stdio", "command": "c", "cwd": "/", "args": [], "env_vars": []}}
    assert once[1:3] == [{"type": "computer_use", "include_screenshots": True},
                         {"type": "programmatic_tool_calling", "enabled": True}]
    assert once[3]["parameters"] == {"type": "object", "properties": {}} and once[3]["description"] == ""
    assert normalize_agent_tools(once) == once
    with pytest.raises(ToolError, match=r"tools\[0\]\.transport\.headers must be a map of strings"):
        normalize_agent_tools([{"type": "mcp", "server_label": "s",
                                "transport": {"type": "http", "server_url": "u", "headers": {"n": 1}}}])


def test_text_spellings_with_and_without_the_defaults_are_the_same() -> None:
    assert normalize_text({}) == normalize_text({"format": {"type": "text"}, "verbosity": "medium"})
    assert diff(AGENT.fields, {"text": {"verbosity": "medium"}}, {}).changed == []
    assert diff(AGENT.fields, {"text": {"verbosity": "low"}}, {}).changed == ["text"]


def test_a_variant_names_only_fields_of_its_table() -> None:
    with pytest.raises(AssertionError, match=r"\['colour'\]"):
        variant(AGENT.fields, colour={"validate": None})


# --- conversations and their items ------------------------------------------------------------------


def test_a_conversation_is_created_with_its_messages_as_items() -> None:
    body = CONVERSATION.create_body({"messages": [{"content": "Hi"}, {"role": "assistant", "content": "Hello"}],
                                     "metadata": {"k": "v"}, "api": "responses"})
    assert CONVERSATION.create_call_args(body) == {"items": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi"}]},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hello"}]},
    ], "metadata": {"k": "v"}}
    server = {"id": "conv_1", "object": "conversation", "created_at": 3, "metadata": {"k": "v"}}
    assert refreshed(CONVERSATION, server, {"messages": [{"content": "Hi"}], "metadata": {"k": "v"}}) == {
        "messages": [{"content": "Hi"}], "metadata": {"k": "v"}}  # the API does not say what it began with
    assert CONVERSATION.outputs(server) == {"object": "conversation", "created_at": 3}


@pytest.mark.parametrize("spelling", [
    [{"type": "text", "text": "Look"},
     {"type": "image_url", "image_url": {"url": "https://x.example.com/a.png", "detail": "auto"}},
     {"type": "image_file", "image_file": {"file_id": "file-1", "detail": "low"}}],
    [{"type": "input_text", "text": "Look"}, {"type": "input_image", "image_url": "https://x.example.com/a.png"},
     {"type": "input_image", "file_id": "file-1", "detail": "low"}],
])
def test_the_assistants_and_the_responses_spelling_of_parts_are_the_same_item(spelling: list[Any]) -> None:
    assert item_content_to_api("user", spelling) == [
        {"type": "input_text", "text": "Look"},
        {"type": "input_image", "image_url": "https://x.example.com/a.png", "detail": "auto"},
        {"type": "input_image", "file_id": "file-1", "detail": "low"}]


def test_an_items_content_reads_back_in_the_inputs_spelling() -> None:
    answered = [{"type": "output_text", "text": "Done.", "annotations": [], "logprobs": []}]
    assert item_content_from_api(answered) == "Done."
    answered = [{"type": "input_text", "text": "See", "prompt_cache_breakpoint": None},
                {"type": "input_image", "detail": "auto", "file_id": None, "image_url": "https://x.example.com/a.png"},
                {"type": "input_file", "file_id": "file-2", "file_url": None, "filename": None, "detail": None}]
    assert item_content_from_api(answered) == [
        {"type": "input_text", "text": "See"}, {"type": "input_image", "image_url": "https://x.example.com/a.png"},
        {"type": "input_file", "file_id": "file-2"}]
    assert normalize_item_content("Hi") == normalize_item_content([{"type": "text", "text": "Hi"}])


def test_an_item_is_sent_in_a_list_and_read_from_the_answers_list() -> None:
    body = ITEM.create_body({"thread_id": "conv_1", "content": "Hi", "api": "responses"})
    assert body == {"role": "user", "content": "Hi"}
    assert ITEM.create_call_args(body) == {"items": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi"}]}]}
    assert ITEM.scope_of({"thread_id": "conv_1"}) == {"conversation_id": "conv_1"}
    item = {"id": "msg_1", "type": "message", "role": "user", "status": "completed",
            "content": [{"type": "input_text", "text": "Hi"}]}
    assert ITEM.created_object({"object": "list", "data": [item], "has_more": False}) == item


def test_a_lost_item_is_recognised_by_its_role_and_content() -> None:
    body = {"role": "user", "content": [{"type": "text", "text": "Hi"}]}
    item = {"id": "msg_1", "type": "message", "role": "user", "status": "completed",
            "content": [{"type": "input_text", "text": "Hi"}]}
    assert is_item_of(body, item)
    assert not is_item_of({**body, "role": "developer"}, item)
    assert not is_item_of({"content": "Hello"}, item)
    assert not is_item_of(body, {"id": "fc_1", "type": "function_call", "name": "f"})


def test_a_conversations_first_messages_may_say_their_type_as_the_api_does() -> None:
    validate = CONVERSATION.by_name["messages"].validate
    assert validate is not None
    assert validate([{"type": "message", "role": "user", "content": "Hi"}]) is None
    assert validate([{"type": "function_call", "content": "Hi"}]) == (
        "item 0 has type 'function_call': a Thread starts with messages only (type: message, or no type).")
    assert diff(CONVERSATION.fields, {"messages": [{"type": "message", "content": "Hi"}]},
                {"messages": [{"content": [{"type": "input_text", "text": "Hi"}]}]}).changed == []


def test_a_part_no_input_can_spell_reads_back_as_the_api_has_it() -> None:
    refusal = {"type": "refusal", "refusal": "I can't.", "extra": None}
    assert item_content_from_api([refusal]) == [{"type": "refusal", "refusal": "I can't."}]
