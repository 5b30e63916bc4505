"""The Agents API (beta): ``/agents`` create, list, retrieve, update (``POST /agents/{id}``) and delete.

Every request must carry ``OpenAI-Beta: agents=v1`` (openai-python's ``client.beta.agents`` sends it);
without it the service answers 400 naming the header (:func:`check_beta`). Bodies are validated as the
service does: ``model`` required, metadata of at most 16 keys, and only the tool types an agent object
takes (``PersistedAgentToolParam``: function, tool_search, programmatic_tool_calling, mcp, web_search,
computer_use, automations). Anything else, e.g. ``temperature``, is an unrecognized argument.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import validation as v
from ..agent_store import AgentStore
from ..errors import ApiError, bad_request
from ..listing import page_params
from ..replies import ID, JsonReply, Query, Reply, Route, body_of

BETA_HEADER = "agents=v1"
PATHS = re.compile(r"/agents(/.*)?")
"""The paths that need the beta header."""

TOOL_TYPES = ("function", "tool_search", "programmatic_tool_calling", "mcp", "web_search", "computer_use",
              "automations")


def check_beta(path: str, headers: Mapping[str, str]) -> None:
    """400 unless an Agents API request says ``OpenAI-Beta: agents=v1`` (among comma-separated betas)."""
    if PATHS.fullmatch(path) is None:
        return
    betas = [part.strip() for part in headers.get("openai-beta", "").split(",")]
    if BETA_HEADER not in betas:
        raise ApiError(400, "You must provide the 'OpenAI-Beta' header to access the Agents API. Please try again "
                            f"by setting the header 'OpenAI-Beta: {BETA_HEADER}'.", code="invalid_beta")


def _strings(param: str, value: Any) -> None:
    v.array(param, value)
    for index, item in enumerate(value):
        v.string(f"{param}[{index}]", item)


def _transport(param: str, value: Any) -> None:
    v.obj(param, value)
    v.one_of("http", "stdio")(f"{param}.type", value.get("type"))
    if value["type"] == "http":
        v.validate(value, {"type": v.string, "server_url": v.string, "headers": v.nullable(v.obj)},
                   required=("server_url",), prefix=f"{param}.")
    else:
        v.validate(value, {"type": v.string, "command": v.string, "cwd": v.string, "args": v.nullable(_strings),
                           "env_vars": v.nullable(_strings)}, required=("command", "cwd"), prefix=f"{param}.")


_TOOL_FIELDS: dict[str, tuple[dict[str, v.Check], tuple[str, ...]]] = {
    "function": ({"name": v.string, "description": v.string, "parameters": v.obj, "defer_loading": v.boolean,
                  "async": v.boolean}, ("name", "description", "parameters")),
    "tool_search": ({}, ()),
    "programmatic_tool_calling": ({"enabled": v.boolean}, ()),
    "mcp": ({"server_label": v.string, "transport": _transport, "allowed_tools": v.nullable(_strings),
             "connection_origin": v.nullable(v.one_of("service", "environment")),
             "credential_id": v.nullable(v.string), "request_metadata": v.nullable(v.obj), "required": v.boolean},
            ("server_label", "transport")),
    "web_search": ({"allowed_domains": v.nullable(_strings), "context_size": v.nullable(v.one_of("low", "medium",
                                                                                                "high")),
                    "location": v.nullable(v.obj), "mode": v.nullable(v.one_of("disabled", "cached", "live"))}, ()),
    "computer_use": ({"include_screenshots": v.boolean}, ()),
    "automations": ({}, ()),
}


def tools(param: str, value: Any) -> None:
    """The tools an agent object takes; each one's fields as ``PersistedAgentToolParam`` has them."""
    v.array(param, value)
    for index, tool in enumerate(value):
        where = f"{param}[{index}]"
        v.obj(where, tool)
        v.one_of(*TOOL_TYPES)(f"{where}.type", tool.get("type"))
        fields, required = _TOOL_FIELDS[tool["type"]]
        v.validate(tool, {"type": v.string, **fields}, required=required, prefix=f"{where}.")


def _reasoning(param: str, value: Any) -> None:
    v.obj(param, value)
    v.validate(value, {"effort": v.nullable(v.one_of("none", "minimal", "low", "medium", "high", "xhigh", "max")),
                       "summary": v.nullable(v.one_of("concise", "detailed", "auto"))}, prefix=f"{param}.")


def _text_format(param: str, value: Any) -> None:
    v.obj(param, value)
    v.one_of("text", "json_schema")(f"{param}.type", value.get("type"))
    if value["type"] == "json_schema":
        v.validate(value, {"type": v.string, "schema": v.obj}, required=("schema",), prefix=f"{param}.")
    else:
        v.validate(value, {"type": v.string}, prefix=f"{param}.")


def _text(param: str, value: Any) -> None:
    v.obj(param, value)
    v.validate(value, {"format": v.nullable(_text_format),
                       "verbosity": v.nullable(v.one_of("low", "medium", "high"))}, prefix=f"{param}.")


def _name(param: str, value: Any) -> None:
    v.string(param, value)
    if len(value) > 256:
        raise bad_request(f"Invalid '{param}': string too long. Expected a string with maximum length 256, "
                          f"but got a string with length {len(value)} instead.", param, "string_above_max_length")


AGENT_FIELDS: dict[str, v.Check] = {
    "model": v.string,
    "name": v.nullable(_name),
    "instructions": v.nullable(v.string),
    "metadata": v.nullable(v.metadata),
    "tools": v.nullable(tools),
    "reasoning": v.nullable(_reasoning),
    "text": v.nullable(_text),
    "service_tier": v.nullable(v.one_of("auto", "default", "flex", "priority", "fast", "ultrafast")),
    "multi_agent": v.nullable(v.obj),
    "compaction": v.nullable(v.obj),
    "experimental": v.obj,
}


def routes(store: AgentStore) -> list[Route]:
    def create_agent(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.create(v.validate(body_of(body), AGENT_FIELDS, required=("model",))))

    def list_agents(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.page(page_params(query)))

    def get_agent(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.get(params["agent_id"]))

    def update_agent(params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), AGENT_FIELDS)
        return JsonReply(200, store.update(params["agent_id"], fields))

    def delete_agent(params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, store.delete(params["agent_id"]))

    agent = rf"/agents/(?P<agent_id>{ID})"
    return [
        ("POST", r"/agents", create_agent),
        ("GET", r"/agents", list_agents),
        ("GET", agent, get_agent),
        ("POST", agent, update_agent),
        ("DELETE", agent, delete_agent),
    ]
