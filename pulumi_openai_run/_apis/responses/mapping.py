"""Responses + Conversations: the mapping between ``Run`` inputs/outputs and the API's JSON (pure).

The Responses API is the Assistants API's successor: a thread is a Conversation (``conv_...``), an
assistant an agent object (``GET /agents/{id}``, whose configuration goes inline into each request), a
run a Response (``resp_...``) and its steps the response's output items. API objects arrive here as
plain dicts (the JSON the API sent), so this module neither imports ``openai`` nor does I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_openai_run._apis.assistants.mapping import common_params
from pulumi_openai_run._core.tools import ToolError, normalize_tools, validate_tools
from pulumi_openai_run._runs.backend import RunDetails
from pulumi_openai_run._runs.user_input import RESPONSES_PARTS, parts_problem
from pulumi_openai_run.schema import Failure, is_number, is_unknown, user_metadata

ACTIVE = frozenset({"queued", "in_progress"})
SUCCEEDED = frozenset({"completed", "incomplete"})
FINISHED = SUCCEEDED | {"failed", "cancelled"}
"""Statuses of a response that no longer runs (and no longer holds its conversation)."""

REQUIRES_ACTION = "requires_action"
"""The lifecycle's status for a response that completed by calling functions nobody answers."""

INCLUDE = ("file_search_call.results", "code_interpreter_call.outputs")
"""What create and retrieve ask the API to include, so that steps and file_ids are complete."""

MIN_OUTPUT_TOKENS = 16
"""The API's lower bound for max_output_tokens."""

STEP_OBJECT = "response.output_item"


# --- requests ----------------------------------------------------------------------------------


def create_params(inputs: Mapping[str, Any], token: str | None,
                  agent: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The body of POST /responses for ``inputs``: a background, stored response on the conversation, its
    configuration inline: the ``agent``'s (the one ``assistant_id`` names, as ``GET /agents/{id}`` answered)
    overridden by the Run's own ``model``, ``instructions`` and ``tools``; ``temperature``, ``top_p``,
    ``max_tokens`` (as ``max_output_tokens``) and ``metadata`` per request; ``input`` as the user message.
    Absent inputs send nothing. Raises :class:`~.tools.ToolError` for an agent tool the Responses API
    cannot take (only when the Run's own ``tools`` do not replace the agent's)."""
    params: dict[str, Any] = {
        "conversation": inputs["thread_id"],
        "background": True,
        "store": True,
        "include": list(INCLUDE),
    }
    if agent is not None:
        params.update(agent_config(agent, tools=inputs.get("tools") is None))
    params.update(common_params(inputs, token))
    if inputs.get("max_tokens") is not None:
        params["max_output_tokens"] = int(inputs["max_tokens"])
    if inputs.get("tools") is not None:
        params["tools"] = response_tools(inputs["tools"])
    if inputs.get("input") is not None:
        params["input"] = response_input(inputs["input"])
    return params


def agent_config(agent: Mapping[str, Any], tools: bool = True) -> dict[str, Any]:
    """What a response takes from an agent object: ``model``, ``instructions``, ``reasoning`` and ``text``
    (what it sets), and with ``tools`` its tools in the Responses API's shape."""
    config: dict[str, Any] = {"model": agent["model"]}
    if agent.get("instructions"):
        config["instructions"] = agent["instructions"]
    reasoning = {key: value for key, value in (agent.get("reasoning") or {}).items() if value is not None}
    if reasoning:
        config["reasoning"] = reasoning
    text = {key: value for key, value in (agent.get("text") or {}).items() if value is not None}
    if isinstance(text.get("format"), Mapping) and text["format"].get("type") == "json_schema":
        # the Responses API names a schema (an agent's has no name): give it one
        text["format"] = {"name": JSON_SCHEMA_NAME, **text["format"]}
    if text:
        config["text"] = text
    if tools and agent.get("tools"):
        config["tools"] = agent_tools(str(agent.get("id") or "?"), agent["tools"])
    return config


JSON_SCHEMA_NAME = "output"
"""The name an agent's JSON schema output format gets in a request (the Responses API needs one)."""

AGENT_ONLY_TOOLS = {
    "mcp": "its MCP server is reached through the agent's transport and stored credentials, which a "
           "Responses request cannot name",
    "computer_use": "it runs in an OpenAI-hosted browser session of the Agents runtime",
    "automations": "scheduled wakeups are an Agents runtime feature",
}
"""Agent tool types the Responses API cannot take in a request, and why."""


def agent_tools(agent_id: str, tools: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """An agent's tools (``PersistedAgentTool``) as Responses tool objects. Raises :class:`ToolError`
    naming the first tool the Responses API cannot take, and what to do instead."""
    result: list[dict[str, Any]] = []
    for index, tool in enumerate(tools):
        kind = str(tool.get("type"))
        where = f"agent {agent_id}'s tools[{index}] ({kind}{_label(tool)})"
        if kind == "function":
            if tool.get("async"):
                raise ToolError(f"{where} is an async function, which only the Agents runtime can run: "
                                "a response ends at a function call. " + _instead())
            flat: dict[str, Any] = {"type": "function", "name": tool["name"], "parameters": tool.get("parameters"),
                                    "strict": False}
            if tool.get("description") is not None:
                flat["description"] = tool["description"]
            if tool.get("defer_loading"):
                flat["defer_loading"] = True
            result.append(flat)
        elif kind == "tool_search":
            result.append({"type": "tool_search"})
        elif kind == "programmatic_tool_calling":
            if tool.get("enabled", True):
                result.append({"type": "programmatic_tool_calling"})
        elif kind == "web_search":
            search = _web_search(tool)
            if search is not None:
                result.append(search)
        else:
            why = AGENT_ONLY_TOOLS.get(kind, "the Responses API has no tool of that type")
            raise ToolError(f"{where} cannot go into a Responses request: {why}. " + _instead())
    return result


def _web_search(tool: Mapping[str, Any]) -> dict[str, Any] | None:
    """An agent's web_search as the Responses API's; ``None`` when its mode is ``disabled``."""
    mode = tool.get("mode") or "live"
    if mode == "disabled":
        return None
    search: dict[str, Any] = {"type": "web_search", "external_web_access": mode == "live"}
    if tool.get("context_size"):
        search["search_context_size"] = tool["context_size"]
    if tool.get("allowed_domains"):
        search["filters"] = {"allowed_domains": list(tool["allowed_domains"])}
    location = {key: value for key, value in (tool.get("location") or {}).items() if value is not None}
    if location:
        search["user_location"] = {"type": "approximate", **location}
    return search


def _label(tool: Mapping[str, Any]) -> str:
    name = tool.get("name") or tool.get("server_label")
    return f" {name!r}" if name else ""


def _instead() -> str:
    return ("Give the Run its own tools (they replace the agent's), or remove that tool from the agent for "
            "runs on the Responses API.")


def response_input(value: Any) -> list[dict[str, Any]]:
    """The response's ``input`` for a Run's ``input``: one user message, its text or its parts (an
    ``input_image`` without a ``detail`` gets ``auto``, which the API requires)."""
    if isinstance(value, str):
        content: Any = value
    else:
        content = [{**part, "detail": part.get("detail") or "auto"} if part.get("type") == "input_image"
                   else dict(part) for part in value]
    return [{"type": "message", "role": "user", "content": content}]


def response_tools(tools: Any) -> list[dict[str, Any]]:
    """The Responses API's tool objects for a ``tools`` input (either spelling). Raises
    :class:`~.tools.ToolError` for what the Responses API cannot take from a Run.

    Function tools are flat there (``{"type": "function", "name", "parameters", "strict"}``, strict
    off unless asked, as on the Assistants API); code_interpreter needs a container (``auto``);
    file_search needs vector store ids, which a Run has no place for.
    """
    result: list[dict[str, Any]] = []
    for index, tool in enumerate(normalize_tools(tools)):
        kind = tool["type"]
        if kind == "function":
            function = tool["function"]
            flat: dict[str, Any] = {
                "type": "function",
                "name": function["name"],
                "parameters": function.get("parameters"),
                "strict": bool(function.get("strict", False)),
            }
            if "description" in function:
                flat["description"] = function["description"]
            result.append(flat)
        elif kind == "code_interpreter":
            result.append({"type": "code_interpreter", "container": {"type": "auto"}})
        else:
            raise ToolError(
                f"tools[{index}] is file_search, which on the Responses API needs the vector stores to "
                "search, and a Run cannot name them: leave it out of tools on this API."
            )
    return result


def input_problems(inputs: Mapping[str, Any]) -> list[Failure]:
    """Failures for inputs the Responses API would refuse although the Assistants API takes
    them; what the field table's validators refuse anyway is left to them. Unknown values are passed over.

    A run needs a model: the agent's (``assistant_id``) or its own (``model``), one of the two."""
    problems: list[Failure] = []
    if inputs.get("assistant_id") is None and inputs.get("model") is None:  # unknown counts as given
        problems.append(Failure("assistant_id", (
            "'assistant_id' or 'model' is required on the Responses API: give the id of an agent (an Assistant "
            "on this API, e.g. assistant_id=assistant.id) to use its model, instructions and tools, or give "
            "the Run a model (and instructions) of its own."
        )))
    inputs = {name: value for name, value in inputs.items() if not is_unknown(value)}
    problem = parts_problem(inputs.get("input"), RESPONSES_PARTS, "the Responses API")
    if problem:
        problems.append(Failure("input", f"'input' {problem}"))
    tools = inputs.get("tools")
    if tools is not None and validate_tools(tools) is None:
        try:
            response_tools(tools)
        except ToolError as error:
            problems.append(Failure("tools", f"'tools' {error}"))
    max_tokens: Any = inputs.get("max_tokens")
    if is_number(max_tokens) and 1 <= max_tokens < MIN_OUTPUT_TOKENS:
        problems.append(Failure("max_tokens", (
            f"'max_tokens' must be at least {MIN_OUTPUT_TOKENS} on the Responses API (its max_output_tokens), "
            f"got {max_tokens!r}."
        )))
    return problems


# --- the response --------------------------------------------------------------------------------


def pending_functions(response: Mapping[str, Any]) -> list[str]:
    """The functions a completed response called and that nobody has answered (in this response)."""
    items = response.get("output") or []
    answered = {item.get("call_id") for item in items if item.get("type") == "function_call_output"}
    return [
        str(item.get("name") or "?")
        for item in items
        if item.get("type") == "function_call" and item.get("call_id") not in answered
    ]


def lifecycle_status(response: Mapping[str, Any]) -> str:
    """The status the lifecycle acts on: the API's, except that a response that completed by calling
    functions is ``requires_action`` (the Assistants API's word for it), which the lifecycle fails on."""
    status = str(response["status"])
    if status == "completed" and pending_functions(response):
        return REQUIRES_ACTION
    return status


def run_outputs(response: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs that come from the response object itself, under the Run's names."""
    usage = response.get("usage") or {}
    counts: dict[str, Any] = {}
    for ours, theirs in (("prompt_tokens", "input_tokens"), ("completion_tokens", "output_tokens"),
                         ("total_tokens", "total_tokens")):
        if usage.get(theirs) is not None:
            counts[ours] = usage[theirs]
            counts[theirs] = usage[theirs]
    error = response.get("error") or None
    incomplete = response.get("incomplete_details") or None
    functions = _function_calls(response) if lifecycle_status(response) == REQUIRES_ACTION else []
    return {
        "object": response.get("object", "response"),
        "status": response["status"],
        "created_at": _seconds(response.get("created_at")),
        "started_at": None,
        "completed_at": _seconds(response.get("completed_at")),
        "usage": counts,
        "last_error": _strings(error, ("code", "message")) if error else None,
        "incomplete_details": _strings(incomplete, ("reason",)) if incomplete else None,
        "required_action": {
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {"tool_calls": functions},
        } if functions else None,
    }


def details(response: Mapping[str, Any]) -> RunDetails:
    """steps, file_ids, reply and message_ids, all from the response's output items."""
    items = [item for item in response.get("output") or [] if isinstance(item, Mapping)]
    return RunDetails(
        steps=[step_output(item) for item in items],
        file_ids=file_ids(items),
        reply=output_text(items),
        message_ids=[str(item["id"]) for item in _messages(items) if item.get("id")],
    )


def step_output(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "created_at": _seconds(item.get("created_at")),
        "details": json.dumps(item, sort_keys=True, separators=(",", ":")),
        "id": item.get("id"),
        "object": STEP_OBJECT,
        "status": item.get("status"),
        "type": item.get("type"),
    }


def file_ids(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """Files the response used or produced: file-search results, and the files its messages cite
    (file citations, code interpreter container files, file paths)."""
    found: set[str] = set()
    for item in items:
        if item.get("type") == "file_search_call":
            for result in item.get("results") or []:
                _add(found, result.get("file_id"))
        if item.get("type") != "message":
            continue
        for content in item.get("content") or []:
            for annotation in content.get("annotations") or []:
                if annotation.get("type") in ("file_citation", "container_file_citation", "file_path"):
                    _add(found, annotation.get("file_id"))
    return sorted(found)


def output_text(items: Iterable[Mapping[str, Any]]) -> str:
    """The response's ``output_text``, as openai-python computes it: every output_text part of its
    messages, in order, joined."""
    return "".join(
        str(content.get("text") or "")
        for item in _messages(items)
        for content in item.get("content") or []
        if content.get("type") == "output_text"
    )


def server_values(response: Mapping[str, Any]) -> dict[str, Any]:
    """The Run's inputs as the server holds them: the conversation and the user's metadata. (A response
    does not say which agent its configuration came from, nor which of it the Run overrode.)"""
    inputs: dict[str, Any] = {}
    conversation = response.get("conversation") or {}
    if conversation.get("id"):
        inputs["thread_id"] = conversation["id"]
    inputs["metadata"] = user_metadata(response.get("metadata"))  # empty too: metadata cleared outside Pulumi is drift
    return inputs


def _function_calls(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Pending function calls in the Assistants API's required_action shape."""
    pending = set(pending_functions(response))
    return [
        {"id": item.get("call_id"), "type": "function",
         "function": {"name": item.get("name"), "arguments": item.get("arguments")}}
        for item in response.get("output") or []
        if item.get("type") == "function_call" and item.get("name") in pending
    ]


def _messages(items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [item for item in items if item.get("type") == "message" and item.get("role", "assistant") == "assistant"]


def _seconds(value: Any) -> Any:
    """API times are Unix seconds; openai types some as floats, state keeps whole ones whole."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _strings(value: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    return {key: str(value[key]) for key in keys if value.get(key) is not None}


def _add(found: set[str], file_id: Any) -> None:
    if isinstance(file_id, str) and file_id:
        found.add(file_id)
