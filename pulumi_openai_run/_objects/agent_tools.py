"""An agent object's ``tools`` (the Agents API, ``PersistedAgentToolParam``): validation and the mapping to the
persisted form the agent answers with (pure functions).

An agent takes ``function``, ``tool_search``, ``programmatic_tool_calling``, ``mcp``, ``web_search``,
``computer_use`` and ``automations`` tools; it has no ``code_interpreter`` (a Run on the Responses API takes
one) or ``file_search``. A function tool may be spelt as the agent takes it (``{type: function, name,
description, parameters, defer_loading}``), in the Assistants API's nested shape (``{type: function,
function: {...}}``) or as the flat map of strings (``parameters`` as a JSON string): all three become the
same persisted tool, with the API's defaults filled in, so switching spelling is no change and what an
agent answers compares equal to what was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_openai_run._core.tools import MAX_TOOLS, ToolError, _normalize_tool
from pulumi_openai_run._objects.message import FILES_ON_RESPONSES
from pulumi_openai_run.schema import extra_keys, json_problem, kind_of, shown

AGENT_TOOL_TYPES = ("function", "tool_search", "programmatic_tool_calling", "mcp", "web_search", "computer_use",
                    "automations")
ELSEWHERE = {
    "code_interpreter": "an agent object has no code interpreter: give the Run a code_interpreter tool instead",
    "file_search": f"an agent object has no file search: {FILES_ON_RESPONSES}",
}
"""Tools of the Assistants API an agent cannot hold, and where they go now."""
_NO_PARAMETERS = {"type": "object", "properties": {}}
_CONTEXT_SIZES = ("low", "medium", "high")
_MODES = ("disabled", "cached", "live")
_ORIGINS = ("service", "environment")
_LOCATION_KEYS = ("city", "country", "region", "timezone")


def normalize_agent_tools(tools: Any) -> list[dict[str, Any]]:
    """The persisted agent tools for ``tools``, in order. Raises :class:`ToolError`."""
    if not isinstance(tools, list | tuple):
        raise ToolError(f"must be a list of tool maps, got {type(tools).__name__}.")
    if len(tools) > MAX_TOOLS:
        raise ToolError(f"may have at most {MAX_TOOLS} tools, got {len(tools)}.")
    problem = json_problem(tools, "tools")
    if problem:
        raise ToolError(f"are not plain JSON: {problem}")
    return [_tool(f"tools[{index}]", index, tool) for index, tool in enumerate(tools)]


def validate_agent_tools(tools: Any) -> str | None:
    try:
        normalize_agent_tools(tools)
    except ToolError as error:
        return str(error)
    return None


def _tool(where: str, index: int, tool: Any) -> dict[str, Any]:
    if not isinstance(tool, Mapping):
        raise ToolError(f"{where} must be a map with a 'type', got {shown(tool)}.")
    kind = tool.get("type")
    if kind in ELSEWHERE:
        raise ToolError(f"{where} is a {kind} tool, but {ELSEWHERE[kind]}.")
    if kind not in AGENT_TOOL_TYPES:
        raise ToolError(f"{where} has type {shown(kind)}, which an agent object cannot hold; allowed types: "
                        f"{', '.join(AGENT_TOOL_TYPES)}.")
    if kind == "function":
        return _function(where, index, tool)
    if kind == "programmatic_tool_calling":
        _keys(where, tool, ("type", "enabled"))
        return {"type": kind, "enabled": _boolean(f"{where}.enabled", tool.get("enabled", True))}
    if kind == "computer_use":
        _keys(where, tool, ("type", "include_screenshots"))
        return {"type": kind,
                "include_screenshots": _boolean(f"{where}.include_screenshots", tool.get("include_screenshots", True))}
    if kind == "web_search":
        return _web_search(where, tool)
    if kind == "mcp":
        return _mcp(where, tool)
    _keys(where, tool, ("type",))  # tool_search, automations
    return {"type": kind}


def _function(where: str, index: int, tool: Mapping[str, Any]) -> dict[str, Any]:
    extras = {k: tool[k] for k in ("defer_loading", "async") if k in tool}
    rest = {k: v for k, v in tool.items() if k not in extras}
    spec = _normalize_tool(index, rest)["function"]  # the Assistants spellings' own checks and messages
    if "strict" in spec:
        raise ToolError(f"{where} has 'strict', which an agent's function tools do not take; remove it.")
    persisted: dict[str, Any] = {
        "type": "function", "name": spec["name"], "description": spec.get("description", ""),
        "parameters": dict(spec.get("parameters") or _NO_PARAMETERS),
        "defer_loading": _boolean(f"{where}.defer_loading", extras.get("defer_loading", False)),
    }
    if extras.get("async") is not None:
        persisted["async"] = _boolean(f"{where}.async", extras["async"])
    return persisted


def _web_search(where: str, tool: Mapping[str, Any]) -> dict[str, Any]:
    _keys(where, tool, ("type", "allowed_domains", "context_size", "location", "mode"))
    location = tool.get("location")
    if location is not None:
        if not isinstance(location, Mapping):
            raise ToolError(f"{where}.location must be a map {{{', '.join(_LOCATION_KEYS)}}}, got {shown(location)}.")
        _keys(f"{where}.location", location, _LOCATION_KEYS)
        location = {k: _string(f"{where}.location.{k}", location[k]) for k in _LOCATION_KEYS
                    if location.get(k) is not None} or None
    return {"type": "web_search", "allowed_domains": _strings(f"{where}.allowed_domains", tool.get("allowed_domains")),
            "context_size": _choice(f"{where}.context_size", tool.get("context_size"), _CONTEXT_SIZES, "medium"),
            "location": location, "mode": _choice(f"{where}.mode", tool.get("mode"), _MODES, "live")}


def _mcp(where: str, tool: Mapping[str, Any]) -> dict[str, Any]:
    _keys(where, tool, ("type", "server_label", "transport", "allowed_tools", "connection_origin", "credential_id",
                        "request_metadata", "required"))
    metadata = tool.get("request_metadata")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise ToolError(f"{where}.request_metadata must be a map, got {shown(metadata)}.")
    credential = tool.get("credential_id")
    return {"type": "mcp", "server_label": _string(f"{where}.server_label", tool.get("server_label")),
            "transport": _transport(f"{where}.transport", tool.get("transport")),
            "allowed_tools": _strings(f"{where}.allowed_tools", tool.get("allowed_tools")),
            "connection_origin": _choice(f"{where}.connection_origin", tool.get("connection_origin"), _ORIGINS,
                                         "service"),
            "credential_id": None if credential is None else _string(f"{where}.credential_id", credential),
            "request_metadata": dict(metadata or {}),
            "required": _boolean(f"{where}.required", tool.get("required", False))}


def _transport(where: str, value: Any) -> dict[str, Any]:
    """``{type: http, server_url, headers}`` or ``{type: stdio, command, cwd, args, env_vars}``."""
    if not isinstance(value, Mapping) or value.get("type") not in ("http", "stdio"):
        raise ToolError(f"{where} must be a map {{type: http, server_url, headers}} or {{type: stdio, command, "
                        f"cwd, args, env_vars}}, got {shown(value)}.")
    if value["type"] == "http":
        _keys(where, value, ("type", "server_url", "headers"))
        headers = value.get("headers") or {}
        if not isinstance(headers, Mapping) or not all(isinstance(v, str) for v in headers.values()):
            # header values may well be secrets: name what is wrong, never quote them
            bad = (f"got {kind_of(headers)}" if not isinstance(headers, Mapping) else
                   f"{shown(next(k for k, v in headers.items() if not isinstance(v, str)))} is not a string")
            raise ToolError(f"{where}.headers must be a map of strings (no secrets: use a credential); {bad}.")
        return {"type": "http", "server_url": _string(f"{where}.server_url", value.get("server_url")),
                "headers": dict(headers)}
    _keys(where, value, ("type", "command", "cwd", "args", "env_vars"))
    return {"type": "stdio", "command": _string(f"{where}.command", value.get("command")),
            "cwd": _string(f"{where}.cwd", value.get("cwd")),
            "args": _strings(f"{where}.args", value.get("args")) or [],
            "env_vars": _strings(f"{where}.env_vars", value.get("env_vars")) or []}


# --- values --------------------------------------------------------------------------------------


def _keys(where: str, value: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    problem = extra_keys(value, allowed)
    if problem:
        raise ToolError(f"{where} {problem}")


def _string(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ToolError(f"{where} must be a non-empty string, got {shown(value)}.")
    return value


def _strings(where: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ToolError(f"{where} must be a list of strings, got {shown(value)}.")
    return list(value)


def _choice(where: str, value: Any, allowed: tuple[str, ...], default: str) -> str:
    if value is None:
        return default
    if value not in allowed:
        raise ToolError(f"{where} must be one of {', '.join(allowed)}, got {shown(value)}.")
    return str(value)


def _boolean(where: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):  # the flat map-of-strings spelling
        return value.lower() == "true"
    raise ToolError(f"{where} must be true or false, got {shown(value)}.")
