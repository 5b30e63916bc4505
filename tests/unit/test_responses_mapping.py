"""The Responses API mapping (pure) and the choice of API from the inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_openai_run import _apis as backends
from pulumi_openai_run._apis.responses import mapping
from pulumi_openai_run._core.tools import ToolError
from pulumi_openai_run.schema import CREATE_TOKEN_KEY, UNKNOWN

IDS = {"assistant_id": "agent_abc", "thread_id": "conv_abc"}
AGENT = {
    "id": "agent_abc", "object": "agent", "model": "gpt-6.2-sol", "instructions": "Be brief.", "name": "helper",
    "metadata": {}, "reasoning": {"effort": "low", "summary": None},
    "text": {"format": {"type": "text"}, "verbosity": "medium"},
    "tools": [{"type": "function", "name": "lookup", "description": "Look up.", "parameters": {"type": "object"},
               "defer_loading": False}],
}


def response(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "resp_1", "object": "response", "created_at": 1750000000.0, "status": "completed",
        "completed_at": 1750000003, "error": None, "incomplete_details": None, "output": [],
        "metadata": {"team": "docs", CREATE_TOKEN_KEY: "abc"}, "prompt": None,
        "conversation": {"id": "conv_abc"},
        "usage": {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 5,
                  "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 15},
    }
    return {**base, **fields}


MESSAGE = {
    "id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
    "content": [
        {"type": "output_text", "text": "Hello ", "annotations": [
            {"type": "file_citation", "file_id": "file-cite", "filename": "a.txt", "index": 6},
            {"type": "container_file_citation", "container_id": "cntr_1", "file_id": "cfile_plot",
             "filename": "plot.png", "start_index": 0, "end_index": 1},
            {"type": "url_citation", "url": "https://example.com", "title": "x", "start_index": 0, "end_index": 1},
        ]},
        {"type": "refusal", "refusal": "no"},
        {"type": "output_text", "text": "world", "annotations": [{"type": "file_path", "file_id": "file-path",
                                                                  "index": 0}]},
    ],
}
FILE_SEARCH = {"id": "fs_1", "type": "file_search_call", "status": "completed", "queries": ["q"],
               "results": [{"file_id": "file-found", "filename": "b.txt", "score": 0.9, "text": "..."}]}
CODE = {"id": "ci_1", "type": "code_interpreter_call", "status": "completed", "code": "print(1)",
        "container_id": "cntr_1", "outputs": [{"type": "logs", "logs": "1\n"}]}
CALL = {"id": "fc_1", "type": "function_call", "status": "completed", "call_id": "call_1", "name": "lookup",
        "arguments": "{}"}


# --- create ------------------------------------------------------------------------------------


def test_create_params_run_on_the_conversation_in_the_background_configured_inline() -> None:
    params = mapping.create_params({**IDS, "instructions": "Be very brief.", "model": "gpt-6.1-terra",
                                    "temperature": 1, "top_p": 0.5, "max_tokens": 200.0,
                                    "metadata": {"team": "docs"}}, "tok", AGENT)
    assert params == {
        "conversation": "conv_abc", "background": True, "store": True,
        "include": ["file_search_call.results", "code_interpreter_call.outputs"],
        # the Run's own model and instructions override the agent's; its reasoning, text and tools stay
        "instructions": "Be very brief.", "model": "gpt-6.1-terra", "reasoning": {"effort": "low"},
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tools": [{"type": "function", "name": "lookup", "description": "Look up.", "parameters": {"type": "object"},
                   "strict": False}],
        "temperature": 1.0, "top_p": 0.5, "max_output_tokens": 200,
        "metadata": {"team": "docs", CREATE_TOKEN_KEY: "tok"},
    }
    assert "prompt" not in params and "max_tokens" not in params and "max_completion_tokens" not in params


def test_the_agent_gives_what_the_run_leaves_out() -> None:
    params = mapping.create_params(IDS, "tok", AGENT)
    assert (params["model"], params["instructions"], params["tools"][0]["name"]) == ("gpt-6.2-sol", "Be brief.",
                                                                                  "lookup")
    assert mapping.create_params({**IDS, "tools": []}, "tok", AGENT)["tools"] == []  # the Run's tools replace
    bare = {**AGENT, "instructions": None, "tools": [], "reasoning": {"effort": None, "summary": None}, "text": {}}
    assert set(mapping.create_params(IDS, None, bare)) == {"conversation", "background", "store", "include", "model"}


def test_an_agents_json_schema_gets_the_name_the_responses_api_needs() -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}}
    agent = {**AGENT, "text": {"format": {"type": "json_schema", "schema": schema}, "verbosity": "low"}}
    assert mapping.create_params(IDS, None, agent)["text"] == {
        "format": {"type": "json_schema", "name": "output", "schema": schema}, "verbosity": "low"}


def test_a_run_on_a_model_alone_needs_no_agent() -> None:
    params = mapping.create_params({"thread_id": "conv_abc", "model": "gpt-6.2-sol", "instructions": "Hi."}, None)
    assert (params["model"], params["instructions"]) == ("gpt-6.2-sol", "Hi.") and "tools" not in params


def test_create_params_send_nothing_for_absent_inputs_and_no_marker_without_room() -> None:
    assert "metadata" in mapping.create_params(IDS, "tok")  # the marker alone
    full = {f"k{i}": "v" for i in range(16)}
    params = mapping.create_params({**IDS, "metadata": full}, "tok")
    assert params["metadata"] == full
    assert set(mapping.create_params(IDS, None)) == {"conversation", "background", "store", "include"}


def test_input_is_the_user_message_of_the_response() -> None:
    assert mapping.create_params({**IDS, "input": "Why?"}, None)["input"] == [
        {"type": "message", "role": "user", "content": "Why?"}]
    parts = [{"type": "input_text", "text": "What is this?"}, {"type": "input_image", "file_id": "file-1"},
             {"type": "input_file", "file_url": "https://example.com/a.pdf"}]
    assert mapping.create_params({**IDS, "input": parts}, None)["input"] == [{"type": "message", "role": "user",
                                                                           "content": [
        parts[0], {"type": "input_image", "file_id": "file-1", "detail": "auto"}, parts[2]]}]


def test_agent_tools_become_responses_tools() -> None:
    tools = [
        {"type": "function", "name": "f", "description": "d", "parameters": {"type": "object"}, "defer_loading": True,
         "async": False},
        {"type": "tool_search"},
        {"type": "programmatic_tool_calling", "enabled": True},
        {"type": "programmatic_tool_calling", "enabled": False},
        {"type": "web_search", "allowed_domains": ["example.com"], "context_size": "high",
         "location": {"city": "Oslo", "country": "NO", "region": None, "timezone": None}, "mode": "cached"},
        {"type": "web_search", "allowed_domains": None, "context_size": "medium", "location": None, "mode": "disabled"},
    ]
    assert mapping.agent_tools("agent_1", tools) == [
        {"type": "function", "name": "f", "description": "d", "parameters": {"type": "object"}, "strict": False,
         "defer_loading": True},
        {"type": "tool_search"},
        {"type": "programmatic_tool_calling"},
        {"type": "web_search", "external_web_access": False, "search_context_size": "high",
         "filters": {"allowed_domains": ["example.com"]},
         "user_location": {"type": "approximate", "city": "Oslo", "country": "NO"}},
    ]


@pytest.mark.parametrize("tool", [
    {"type": "mcp", "server_label": "docs", "transport": {"type": "http", "server_url": "https://x.example.com"}},
    {"type": "computer_use", "include_screenshots": True},
    {"type": "automations"},
    {"type": "function", "name": "later", "description": "d", "parameters": {}, "async": True},
], ids=lambda tool: str(tool["type"]) + ("-async" if tool.get("async") else ""))
def test_agent_tools_the_responses_api_cannot_take_fail_naming_the_tool(tool: dict[str, Any]) -> None:
    with pytest.raises(ToolError) as caught:
        mapping.create_params(IDS, None, {**AGENT, "tools": [AGENT["tools"][0], tool]})
    message = str(caught.value)
    assert f"agent agent_abc's tools[1] ({tool['type']}" in message and "own tools" in message
    assert mapping.create_params({**IDS, "tools": []}, None, {**AGENT, "tools": [tool]})["tools"] == []


@pytest.mark.parametrize("spelling", [
    {"type": "function", "function": {"name": "f", "description": "d", "parameters": {"type": "object"}}},
    {"type": "function", "name": "f", "description": "d", "parameters": '{"type": "object"}'},
], ids=["api object", "flat map of strings"])
def test_function_tools_are_flat_and_not_strict_unless_asked(spelling: dict[str, Any]) -> None:
    assert mapping.response_tools([spelling]) == [
        {"type": "function", "name": "f", "description": "d", "parameters": {"type": "object"}, "strict": False}]
    strict = mapping.response_tools([{"type": "function", "name": "g", "strict": "true"}])
    assert strict == [{"type": "function", "name": "g", "parameters": None, "strict": True}]


def test_code_interpreter_gets_an_automatic_container_and_file_search_is_refused() -> None:
    assert mapping.response_tools([{"type": "code_interpreter"}]) == [
        {"type": "code_interpreter", "container": {"type": "auto"}}]
    with pytest.raises(ToolError, match=r"tools\[1\] is file_search.*cannot name them"):
        mapping.response_tools([{"type": "code_interpreter"}, {"type": "file_search"}])


def test_input_problems_only_what_the_responses_api_adds() -> None:
    found = mapping.input_problems({**IDS, "tools": [{"type": "file_search"}], "max_tokens": 8.0})
    problems = {failure.property: failure.reason for failure in found}
    assert set(problems) == {"tools", "max_tokens"}
    assert "at least 16" in problems["max_tokens"] and problems["tools"].startswith("'tools'")
    # what the field table's validators refuse anyway is left to them (no second failure)
    assert mapping.input_problems({**IDS, "tools": [{"type": "browser"}], "max_tokens": 0.0}) == []
    assert mapping.input_problems({**IDS, "max_tokens": 16.0, "tools": [{"type": "code_interpreter"}]}) == []


@pytest.mark.parametrize(("inputs", "fine"), [
    ({"thread_id": "conv_1"}, False),
    ({"thread_id": "conv_1", "model": "gpt-6.2-sol"}, True),
    ({"thread_id": "conv_1", "assistant_id": "agent_1"}, True),
    ({"thread_id": "conv_1", "assistant_id": UNKNOWN}, True),  # known at up: check cannot tell yet
    ({"thread_id": "conv_1", "model": UNKNOWN}, True),
])
def test_a_response_needs_an_agent_or_a_model(inputs: dict[str, Any], fine: bool) -> None:
    problems = {failure.property: failure.reason for failure in mapping.input_problems(inputs)}
    assert (problems == {}) is fine
    if not fine:
        assert set(problems) == {"assistant_id"} and "'model'" in problems["assistant_id"]


def test_input_parts_of_the_assistants_api_are_refused_naming_the_part() -> None:
    [problem] = mapping.input_problems({**IDS, "input": [{"type": "text", "text": "Hi"}]})
    assert problem.property == "input" and "'text'" in problem.reason and "input_text" in problem.reason
    assert mapping.input_problems({**IDS, "input": [{"type": "input_text", "text": "Hi"}]}) == []


# --- outputs -----------------------------------------------------------------------------------


def test_run_outputs_of_a_completed_response() -> None:
    outputs = mapping.run_outputs(response())
    assert outputs == {
        "object": "response", "status": "completed", "created_at": 1750000000, "started_at": None,
        "completed_at": 1750000003, "last_error": None, "incomplete_details": None, "required_action": None,
        "usage": {"prompt_tokens": 10, "input_tokens": 10, "completion_tokens": 5, "output_tokens": 5,
                  "total_tokens": 15},
    }
    assert isinstance(outputs["created_at"], int)


def test_run_outputs_of_failed_incomplete_and_running_responses() -> None:
    failed = mapping.run_outputs(response(status="failed", completed_at=None, error={
        "code": "server_error", "message": "Boom.", "param": None, "misalignment": None}))
    assert failed["last_error"] == {"code": "server_error", "message": "Boom."}
    incomplete = mapping.run_outputs(response(status="incomplete", incomplete_details={"reason": "max_output_tokens"}))
    assert incomplete["incomplete_details"] == {"reason": "max_output_tokens"}
    queued = mapping.run_outputs(response(status="queued", usage=None, completed_at=None))
    assert queued["usage"] == {} and queued["completed_at"] is None


@pytest.mark.parametrize(("status", "expected"), [
    ("queued", "queued"), ("in_progress", "in_progress"), ("completed", "completed"),
    ("incomplete", "incomplete"), ("failed", "failed"), ("cancelled", "cancelled"),
])
def test_statuses_fall_into_the_lifecycle_sets(status: str, expected: str) -> None:
    assert mapping.lifecycle_status(response(status=status)) == expected
    sets = [mapping.ACTIVE, mapping.SUCCEEDED, mapping.FINISHED - mapping.SUCCEEDED]
    assert sum(status in s for s in sets) == 1


def test_a_response_that_ends_calling_functions_requires_action() -> None:
    calling = response(output=[CODE, CALL])
    assert mapping.lifecycle_status(calling) == "requires_action"
    assert mapping.pending_functions(calling) == ["lookup"]
    assert mapping.run_outputs(calling)["status"] == "completed"  # the API's own status stays in the output
    assert mapping.run_outputs(calling)["required_action"] == {"type": "submit_tool_outputs", "submit_tool_outputs": {
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}]}}
    answered = response(output=[CALL, {"type": "function_call_output", "call_id": "call_1", "output": "42"}])
    assert mapping.lifecycle_status(answered) == "completed"


def test_details_from_the_output_items() -> None:
    details = mapping.details(response(output=[CODE, FILE_SEARCH, MESSAGE])).outputs()
    assert [s["type"] for s in details["steps"]] == ["code_interpreter_call", "file_search_call", "message"]
    assert [s["id"] for s in details["steps"]] == ["ci_1", "fs_1", "msg_1"]
    first = details["steps"][0]
    assert json.loads(first["details"]) == CODE
    assert first["created_at"] is None and first["status"] == "completed" and first["object"] == "response.output_item"
    assert details["file_ids"] == ["cfile_plot", "file-cite", "file-found", "file-path"]
    assert details["reply"] == "Hello world"  # output_text: every output_text part, joined as openai does
    assert details["message_ids"] == ["msg_1"]


def test_details_of_a_response_without_output() -> None:
    assert mapping.details(response(output=[])).outputs() == {"steps": [], "file_ids": [], "reply": "",
                                                          "message_ids": []}


def test_echoed_inputs_for_an_import_hide_the_marker() -> None:
    assert mapping.server_values(response()) == {"thread_id": "conv_abc", "metadata": {"team": "docs"}}
    # a response does not say which agent configured it: assistant_id is left as the program has it
    assert "assistant_id" not in mapping.server_values(response(prompt={"id": "pmpt_abc"}))
    bare = response(metadata={CREATE_TOKEN_KEY: "abc"}, prompt=None, conversation=None)
    assert mapping.server_values(bare) == {"metadata": {}}


# --- which API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("inputs", "run_id", "api"), [
    ({"assistant_id": "asst_1", "thread_id": "thread_1"}, None, "assistants"),
    ({"assistant_id": "agent_1", "thread_id": "conv_1"}, None, "responses"),
    ({"thread_id": "conv_1"}, None, "responses"),
    ({"model": "gpt-6.2-sol", "thread_id": "conv_1"}, None, "responses"),
    ({"assistant_id": "agent_1", "thread_id": UNKNOWN}, None, "default"),  # an agent id says nothing
    ({"assistant_id": "agent_1", "thread_id": UNKNOWN, "api": "responses"}, None, "responses"),
    ({}, "resp_1", "responses"),
    ({}, "run_1", "assistants"),
    ({"assistant_id": "a-1", "thread_id": "t-1"}, None, "default"),  # ids of another shape: the default (responses)
    ({"assistant_id": "a-1", "thread_id": "t-1", "api": "assistants"}, None, "assistants"),
    ({"assistant_id": "a-1", "thread_id": "t-1", "api": "responses"}, None, "responses"),
])
def test_the_api_comes_from_api_else_the_ids(inputs: dict[str, Any], run_id: str | None, api: str) -> None:
    assert backends.api_for(inputs, run_id).name == (backends.DEFAULT.name if api == "default" else api)


@pytest.mark.parametrize(("inputs", "fields"), [
    ({"assistant_id": "asst_1", "thread_id": "conv_1"}, {"assistant_id"}),
    ({"assistant_id": "agent_1", "thread_id": "thread_1"}, set()),  # any plain token may be an agent's id
    ({"assistant_id": "agent_1", "thread_id": "conv_1", "api": "assistants"}, {"thread_id"}),
    ({"assistant_id": "asst_1", "thread_id": "thread_1", "api": "responses"}, {"assistant_id", "thread_id"}),
    ({"assistant_id": "agent_1", "thread_id": "t-1", "api": "responses"}, set()),
    ({"assistant_id": "asst_1", "thread_id": UNKNOWN, "api": "responses"}, {"assistant_id"}),
    ({"assistant_id": UNKNOWN, "thread_id": "conv_1"}, set()),
])
def test_mismatched_ids_fail_naming_the_field(inputs: dict[str, Any], fields: set[str]) -> None:
    failures = backends.mismatches(inputs)
    assert {f.property for f in failures} == fields
    for failure in failures:
        assert failure.reason.startswith(f"'{failure.property}'")


@pytest.mark.parametrize("inputs", [
    {"assistant_id": "pmpt_1", "thread_id": "conv_1"},
    {"assistant_id": "pmpt_1", "thread_id": "thread_1"},
    {"assistant_id": "pmpt_1", "thread_id": UNKNOWN},
])
def test_a_stored_prompt_fails_on_any_api_saying_how_to_migrate(inputs: dict[str, Any]) -> None:
    [failure] = backends.retired_ids(inputs)
    assert failure.property == "assistant_id" and failure.reason.startswith("'assistant_id' 'pmpt_1'")
    assert "shut prompt objects down on 2026-11-30" in failure.reason
    assert "Assistant" in failure.reason and "model and instructions" in failure.reason
    assert backends.retired_ids({"assistant_id": UNKNOWN}) == backends.retired_ids({"model": "m"}) == []
