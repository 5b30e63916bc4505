"""The Responses API: ``POST /responses`` (background, stored, or ``stream: true`` for server-sent events),
``GET``, ``DELETE`` and ``POST .../cancel`` of ``/responses/{id}``.

Request bodies are validated the way the service does (a 400 naming the param).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .. import validation as v
from ..conversation_store import ConversationStore
from ..errors import bad_request
from ..replies import ID, JsonReply, Query, Reply, Route, StreamReply, body_of, include_values, poll_headers
from ..response_lifecycle import INCLUDABLE
from ..shapes import RESPONSE_TOOL, ShapeError, check_as


def include_query(query: Query) -> list[str]:
    """The ``include`` query values, checked."""
    values = include_values(query)
    v.nullable(include)("include", values)
    return values


def include(param: str, value: Any) -> None:
    v.array(param, value)
    for index, name in enumerate(value):
        v.one_of(*sorted(INCLUDABLE))(f"{param}[{index}]", name)


def prompt_ref(param: str, value: Any) -> None:
    v.obj(param, value)
    v.validate(value, {"id": v.string, "version": v.nullable(v.string), "variables": v.nullable(v.obj)},
               required=("id",), prefix=f"{param}.")


def conversation_ref(param: str, value: Any) -> None:
    if isinstance(value, str):
        return
    v.obj(param, value)
    v.validate(value, {"id": v.string}, required=("id",), prefix=f"{param}.")


def _fields(param: str, value: Any, fields: Mapping[str, v.Check], required: tuple[str, ...]) -> None:
    """Like :func:`validation.validate`, but other keys are allowed (tool objects have many)."""
    for name in required:
        if value.get(name) is None:
            raise bad_request(f"Missing required parameter: '{param}.{name}'.", f"{param}.{name}",
                              "missing_required_parameter")
    for name, check in fields.items():
        if name in value:
            check(f"{param}.{name}", value[name])


TOOL_TYPES = ("function", "file_search", "computer", "computer_use_preview", "web_search", "web_search_2025_08_26",
              "mcp", "code_interpreter", "programmatic_tool_calling", "image_generation", "local_shell", "shell",
              "custom", "namespace", "tool_search", "web_search_preview", "web_search_preview_2025_03_11",
              "apply_patch")
"""The tool types the Responses API takes (openai-python's ``responses.Tool``); not, e.g., an agent
object's ``computer_use`` or ``automations``."""


def tools(param: str, value: Any) -> None:
    """Responses tool objects: function tools are flat; file_search needs vector stores, code_interpreter
    a container; any field the SDK's type for the tool does not have is refused, naming the tool."""
    v.array(param, value)
    for index, tool in enumerate(value):
        where = f"{param}[{index}]"
        v.obj(where, tool)
        v.one_of(*TOOL_TYPES)(f"{where}.type", tool.get("type"))
        kind = tool["type"]
        if kind == "function":
            _fields(where, tool, {"name": v.string, "parameters": v.nullable(v.obj), "strict": v.nullable(v.boolean),
                                  "description": v.nullable(v.string)}, required=("name",))
        elif kind == "file_search":
            _fields(where, tool, {"vector_store_ids": v.array, "max_num_results": v.integer(1)},
                    required=("vector_store_ids",))
        elif kind == "code_interpreter":
            _fields(where, tool, {"container": _container}, required=("container",))
        _known_tool_fields(where, tool)


def _known_tool_fields(param: str, tool: dict[str, Any]) -> None:
    """400 for a tool the response could not echo: a field its SDK type lacks, or one of the wrong type."""
    try:
        check_as(RESPONSE_TOOL, tool, param)
    except ShapeError as error:
        raise bad_request(f"Invalid '{param}' ({tool['type']} tool): {error}", param, "invalid_value") from None


def _container(param: str, value: Any) -> None:
    if isinstance(value, str):
        return
    v.obj(param, value)
    v.one_of("auto")(f"{param}.type", value.get("type"))


_PART_FIELDS: dict[str, tuple[dict[str, v.Check], tuple[str, ...]]] = {
    "input_text": ({"text": v.string}, ("text",)),
    "output_text": ({"text": v.string, "annotations": v.nullable(v.array), "logprobs": v.nullable(v.array)},
                    ("text",)),
    "refusal": ({"refusal": v.string}, ("refusal",)),
    "input_image": ({"image_url": v.nullable(v.string), "file_id": v.nullable(v.string),
                     "detail": v.nullable(v.one_of("low", "high", "auto", "original"))}, ()),
    "input_file": ({"file_id": v.nullable(v.string), "file_url": v.nullable(v.string),
                    "file_data": v.nullable(v.string), "filename": v.nullable(v.string),
                    "detail": v.nullable(v.one_of("auto", "low", "high"))}, ()),
}
_PART_SOURCES = {"input_image": ("image_url", "file_id"), "input_file": ("file_id", "file_url", "file_data")}


def content_parts(param: str, value: Any) -> None:
    """A message's content: a string, or parts (``input_text``, ``input_image``, ``input_file``; an assistant
    message's ``output_text`` or ``refusal``), each with what its type needs."""
    if isinstance(value, str):
        return
    if not isinstance(value, list):
        raise bad_request(f"Invalid type for '{param}': expected one of a string or array of input content, but "
                          f"got {type(value).__name__} instead.", param, "invalid_type")
    for index, part in enumerate(value):
        where = f"{param}[{index}]"
        v.obj(where, part)
        v.one_of(*_PART_FIELDS)(f"{where}.type", part.get("type"))
        fields, required = _PART_FIELDS[part["type"]]
        v.validate(part, {"type": v.string, **fields}, required=required, prefix=f"{where}.")
        sources = _PART_SOURCES.get(part["type"], ())
        if sources and not any(part.get(name) for name in sources):
            names = " or ".join(f"'{where}.{name}'" for name in sources)
            raise bad_request(f"Missing required parameter: one of {names}.", f"{where}.{sources[0]}",
                              "missing_required_parameter")


def input_value(param: str, value: Any) -> None:
    """A request's ``input`` (or a conversation's ``items``): a string, or input items; messages have a role
    and content (a string or content parts)."""
    if isinstance(value, str):
        return
    v.array(param, value)
    for index, item in enumerate(value):
        v.obj(f"{param}[{index}]", item)
        if item.get("type", "message") == "message":
            _fields(f"{param}[{index}]", item, {"role": v.one_of("user", "assistant", "system", "developer"),
                                                "content": content_parts}, required=("role", "content"))


def _text_config(param: str, value: Any) -> None:
    v.obj(param, value)
    fmt = value.get("format")
    if fmt is not None:
        v.obj(f"{param}.format", fmt)
        v.one_of("text", "json_schema", "json_object")(f"{param}.format.type", fmt.get("type"))
        if fmt["type"] == "json_schema":
            _fields(f"{param}.format", fmt, {"name": v.string, "schema": v.obj}, required=("name", "schema"))
    if value.get("verbosity") is not None:
        v.one_of("low", "medium", "high")(f"{param}.verbosity", value["verbosity"])


def _reasoning(param: str, value: Any) -> None:
    v.obj(param, value)
    if value.get("effort") is not None:
        v.one_of("none", "minimal", "low", "medium", "high", "xhigh", "max")(f"{param}.effort", value["effort"])
    if value.get("summary") is not None:
        v.one_of("auto", "concise", "detailed")(f"{param}.summary", value["summary"])


RESPONSE_FIELDS: dict[str, v.Check] = {
    "model": v.nullable(v.string),
    "prompt": v.nullable(prompt_ref),
    "conversation": v.nullable(conversation_ref),
    "previous_response_id": v.nullable(v.string),
    "input": v.nullable(input_value),
    "instructions": v.nullable(v.string),
    "background": v.nullable(v.boolean),
    "store": v.nullable(v.boolean),
    "stream": v.nullable(v.boolean),
    "stream_options": v.anything,
    "include": v.nullable(include),
    "max_output_tokens": v.nullable(v.integer(16)),
    "max_tool_calls": v.nullable(v.integer(1)),
    "metadata": v.nullable(v.metadata),
    "parallel_tool_calls": v.nullable(v.boolean),
    "temperature": v.nullable(v.decimal(0, 2)),
    "top_p": v.nullable(v.decimal(0, 1)),
    "tools": v.nullable(tools),
    "tool_choice": v.anything,
    "text": v.nullable(_text_config),
    "reasoning": v.nullable(_reasoning),
    "truncation": v.nullable(v.one_of("auto", "disabled")),
    "service_tier": v.anything,
    "user": v.nullable(v.string),
    "safety_identifier": v.anything,
    "prompt_cache_key": v.anything,
    "top_logprobs": v.anything,
}


def routes(store: ConversationStore, poll_after_ms: int | None, closed: Callable[[], bool]) -> list[Route]:
    """``closed()`` says when the fake is stopping (a foreground create stops waiting then)."""

    def create_response(params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), RESPONSE_FIELDS)
        with store.lock:
            response = store.create_response(fields)
            if fields.get("stream"):
                return StreamReply(response.id, 0)
        if not fields.get("background"):  # a foreground create answers when the response is done
            store.wait_until_done(response, closed)
        return JsonReply(200, store.public(response))

    def get_response(params: dict[str, str], query: Query, body: Any) -> Reply:
        response_id = params["response_id"]
        if query.get("stream", [""])[-1] == "true":  # resume the event stream after starting_after
            store.response(response_id)
            after = query.get("starting_after")
            return StreamReply(response_id, int(after[-1]) + 1 if after else 0)
        return JsonReply(200, store.get_response(response_id, include_query(query)), poll_headers(poll_after_ms))

    def cancel_response(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.cancel_response(params["response_id"]))

    def delete_response(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.delete_response(params["response_id"]))

    response = rf"/responses/(?P<response_id>{ID})"
    return [
        ("POST", r"/responses", create_response),
        ("GET", response, get_response),
        ("DELETE", response, delete_response),
        ("POST", rf"{response}/cancel", cancel_response),
    ]
