"""The ``tools`` and ``tool_resources`` inputs: validation and the mapping to API objects (pure functions).

Two shapes are accepted for each tool:

* the API's own: ``{"type": "function", "function": {"name": ..., "parameters": {...}}}``;
* the flat map of strings the Terraform schema describes (``List of Map of String``):
  ``{"type": "function", "name": ..., "description": ..., "parameters": "<JSON string>"}``,
  ``{"type": "file_search", "max_num_results": "5"}``.

Both become the same API object, so switching from one spelling to the other is no change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_openai_run.schema import Field, JsonError, an_id, extra_keys, json_problem, kind_of, parse_json, shown

TOOL_TYPES = ("code_interpreter", "file_search", "function")
MAX_TOOLS = 128
_FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_FUNCTION_KEYS = {"name", "description", "parameters", "strict"}
_FILE_SEARCH_KEYS = {"max_num_results", "ranking_options"}


class ToolError(ValueError):
    """A tool that cannot become an API tool object; the message says why and what is allowed."""


def normalize_tools(tools: Any) -> list[dict[str, Any]]:
    """The API tool objects for ``tools``, in order. Raises :class:`ToolError`."""
    if not isinstance(tools, list | tuple):
        raise ToolError(f"must be a list of tool maps, got {type(tools).__name__}.")
    if len(tools) > MAX_TOOLS:
        raise ToolError(f"may have at most {MAX_TOOLS} tools, got {len(tools)}.")
    problem = json_problem(tools, "tools")
    if problem:
        raise ToolError(f"are not plain JSON: {problem}")
    return [_normalize_tool(i, tool) for i, tool in enumerate(tools)]


def validate_tools(tools: Any) -> str | None:
    try:
        normalize_tools(tools)
    except ToolError as error:
        return str(error)
    return None


def _normalize_tool(index: int, tool: Any) -> dict[str, Any]:
    where = f"tools[{index}]"
    if not isinstance(tool, Mapping):
        raise ToolError(f"{where} must be a map with a 'type', got {shown(tool)}.")
    kind = tool.get("type")
    if kind not in TOOL_TYPES:
        raise ToolError(f"{where} has type {shown(kind)}; allowed types: {', '.join(TOOL_TYPES)}.")
    if kind == "code_interpreter":
        _no_other_keys(where, tool, {"type"})
        return {"type": "code_interpreter"}
    if kind == "file_search":
        return _file_search(where, tool)
    return _function(where, tool)


def _file_search(where: str, tool: Mapping[str, Any]) -> dict[str, Any]:
    nested = tool.get("file_search")
    if nested is not None:
        _no_other_keys(where, tool, {"type", "file_search"})
        if not isinstance(nested, Mapping):
            raise ToolError(f"{where}.file_search must be a map, got {shown(nested)}.")
        options = dict(nested)
    else:
        _no_other_keys(where, tool, {"type"} | _FILE_SEARCH_KEYS)
        options = {k: tool[k] for k in _FILE_SEARCH_KEYS if k in tool}
    _no_other_keys(f"{where}.file_search", options, _FILE_SEARCH_KEYS)
    result: dict[str, Any] = {"type": "file_search"}
    if "max_num_results" in options:
        result["file_search"] = {"max_num_results": _max_num_results(where, options["max_num_results"])}
    if "ranking_options" in options:
        ranking = _ranking_options(where, _maybe_json(f"{where}.ranking_options", options["ranking_options"]))
        result.setdefault("file_search", {})["ranking_options"] = ranking
    return result


def _ranking_options(where: str, value: Any) -> dict[str, Any]:
    """``{score_threshold: 0..1, ranker: auto | default_2024_08_21}``; the API requires the threshold."""
    allowed = "a map {score_threshold: 0 to 1, ranker: auto | default_2024_08_21}"
    if not isinstance(value, Mapping):
        raise ToolError(f"{where}.ranking_options must be {allowed}, got {shown(value)}.")
    _no_other_keys(f"{where}.ranking_options", value, {"score_threshold", "ranker"})
    try:
        threshold = float(value["score_threshold"])
    except (KeyError, TypeError, ValueError):
        raise ToolError(f"{where}.ranking_options needs a score_threshold from 0 to 1.") from None
    if not 0.0 <= threshold <= 1.0:
        raise ToolError(f"{where}.ranking_options.score_threshold must be from 0 to 1, got {threshold:g}.")
    result: dict[str, Any] = {"score_threshold": threshold}
    if value.get("ranker") is not None:
        if value["ranker"] not in ("auto", "default_2024_08_21"):
            raise ToolError(f"{where}.ranking_options.ranker must be auto or default_2024_08_21.")
        result["ranker"] = value["ranker"]
    return result


def _max_num_results(where: str, value: Any) -> int:
    try:
        number = int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or float(value) != number or not 1 <= number <= 50:
        raise ToolError(f"{where}.max_num_results must be a whole number from 1 to 50, got {shown(value)}.")
    return number


def _function(where: str, tool: Mapping[str, Any]) -> dict[str, Any]:
    nested = tool.get("function")
    if nested is not None:
        _no_other_keys(where, tool, {"type", "function"})
        if not isinstance(nested, Mapping):
            raise ToolError(f"{where}.function must be a map with a 'name', got {shown(nested)}.")
        spec = dict(nested)
    else:
        _no_other_keys(where, tool, {"type"} | _FUNCTION_KEYS)
        spec = {k: tool[k] for k in _FUNCTION_KEYS if k in tool}
    _no_other_keys(f"{where}.function", spec, _FUNCTION_KEYS)
    name = spec.get("name")
    if not isinstance(name, str) or not _FUNCTION_NAME.fullmatch(name):
        raise ToolError(
            f"{where} is a function tool and needs a 'name' of 1 to 64 letters, digits, '_' or '-', "
            f"got {shown(name)}."
        )
    function: dict[str, Any] = {"name": name}
    if spec.get("description") is not None:
        if not isinstance(spec["description"], str):
            raise ToolError(f"{where}.description must be a string.")
        function["description"] = spec["description"]
    if spec.get("parameters") is not None:
        parameters = _maybe_json(f"{where}.parameters", spec["parameters"])
        if not isinstance(parameters, Mapping):
            raise ToolError(f"{where}.parameters must be a JSON Schema object, got {shown(parameters)}.")
        function["parameters"] = parameters
    if spec.get("strict") is not None:
        function["strict"] = _boolean(f"{where}.strict", spec["strict"])
    return {"type": "function", "function": function}


def _maybe_json(where: str, value: Any) -> Any:
    """A JSON string's value, parsed with the limits of :func:`~pulumi_openai_run.schema.parse_json` (no
    NaN or Infinity, at most 64 levels deep, a megabyte at most); any other value as it is (check has made
    sure it is plain JSON)."""
    if isinstance(value, str):
        try:
            return parse_json(value, where)
        except JsonError as error:
            raise ToolError(str(error)) from None
    return value


def _boolean(where: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ToolError(f"{where} must be true or false, got {shown(value)}.")


def _no_other_keys(where: str, tool: Mapping[str, Any], allowed: set[str]) -> None:
    problem = extra_keys(tool, tuple(sorted(allowed)))
    if problem:
        raise ToolError(f"{where} {problem}")


# --- tool resources (assistants and threads) -----------------------------------------------------

MAX_CODE_INTERPRETER_FILES = 20
MAX_VECTOR_STORES = 1
_FILE_ID = an_id("file-")
_VECTOR_STORE_ID = an_id("vs_")


def validate_tool_resources(value: Any) -> str | None:
    """``{code_interpreter: {file_ids: [...]}, file_search: {vector_store_ids: [...]}}``."""
    if not isinstance(value, Mapping):
        return (
            "must be a map {code_interpreter: {file_ids: [...]}, file_search: {vector_store_ids: [...]}}, "
            f"got {kind_of(value)}."
        )
    problem = extra_keys(value, ("code_interpreter", "file_search"))
    if problem:
        return problem
    for tool, key, limit, check in (
        ("code_interpreter", "file_ids", MAX_CODE_INTERPRETER_FILES, _FILE_ID),
        ("file_search", "vector_store_ids", MAX_VECTOR_STORES, _VECTOR_STORE_ID),
    ):
        section = value.get(tool)
        if section is None:
            continue
        if not isinstance(section, Mapping):
            return f"{tool} must be a map {{{key}: [...]}}, got {shown(section)}."
        problem = extra_keys(section, (key,))
        if problem:
            hint = " (create the vector store first and give its id)" if "vector_stores" in section else ""
            return f"{tool} {problem}{hint}"
        ids = section.get(key) or []
        if not isinstance(ids, list | tuple):
            return f"{tool}.{key} must be a list of ids, got {kind_of(ids)}."
        if len(ids) > limit:
            return f"{tool}.{key} may have at most {limit}, got {len(ids)}."
        for item in ids:
            problem = check(item)
            if problem:
                return f"{tool}.{key}: each id {problem}"
    return None

TOOL_RESOURCE_SECTIONS = {"code_interpreter": "file_ids", "file_search": "vector_store_ids"}

def tool_resources_to_api(value: Any) -> dict[str, Any]:
    """The body of ``tool_resources`` with every section spelt out: the API replaces the sections it is
    sent and keeps the others, so a section the user dropped must be sent empty to be cleared."""
    given = dict(value or {})
    full: dict[str, Any] = {section: {key: []} for section, key in TOOL_RESOURCE_SECTIONS.items()}
    for section, settings in given.items():
        full[section] = dict(settings or {})
    return full

def normalize_tool_resources(value: Any) -> Any:
    """Without empty lists and maps, so ``{code_interpreter: {file_ids: []}}`` equals ``{}``."""
    if isinstance(value, Mapping):
        pruned = {str(k): normalize_tool_resources(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [], None)}
    if isinstance(value, list | tuple):
        return [normalize_tool_resources(v) for v in value]
    return value


def tool_resources_field(description: str) -> Field:
    """The ``tool_resources`` input of an Assistant and a Thread: files for the tools, changed in place, empty =
    absent."""
    return Field(
        "tool_resources",
        description,
        on_change="update",
        type_name="Map",
        validate=validate_tool_resources,
        normalize=normalize_tool_resources,
        default={},
    )
