"""Validators and normalizers for the inputs of assistants, threads and messages (pure functions).

Message content, attachments, a thread's initial messages, tool resources and an assistant's response
format. Each validator is a :data:`schema.Validator` (``None``, or the problem and what is allowed); each
normalizer maps a value to the form ``diff`` compares, so that two spellings the API treats alike are no
change. ``plain`` turns whatever Pulumi handed over into JSON-able dicts and lists for a request body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_openai_run.schema import a_metadata_map, an_id

CONTENT_TYPES = ("text", "image_file", "image_url")
IMAGE_DETAILS = ("auto", "low", "high")
ATTACHMENT_TOOLS = ("code_interpreter", "file_search")
RESPONSE_FORMATS = ("text", "json_object", "json_schema")
MAX_TEXT_LENGTH = 256_000
MAX_CODE_INTERPRETER_FILES = 20
MAX_VECTOR_STORES = 1
MESSAGE_KEYS = ("role", "content", "attachments", "metadata")
ROLES = ("user", "assistant")

_FILE_ID = an_id("file-")
_VECTOR_STORE_ID = an_id("vs_")
_METADATA = a_metadata_map()


def plain(value: Any) -> Any:
    """``value`` as JSON-able dicts and lists (Pulumi may hand over other mappings and tuples)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _extra_keys(value: Mapping[str, Any], allowed: tuple[str, ...]) -> str | None:
    extra = sorted(str(k) for k in value if k not in allowed)
    return f"has unknown keys {extra}; allowed: {', '.join(allowed)}." if extra else None


# --- message content --------------------------------------------------------------------------------


def validate_content(value: Any) -> str | None:
    """The text of a message, or a non-empty list of content parts."""
    if isinstance(value, str):
        if not value.strip():
            return "must not be empty: give the message's text or a list of content parts."
        if len(value) > MAX_TEXT_LENGTH:
            return f"must be at most {MAX_TEXT_LENGTH} characters, got {len(value)}."
        return None
    if not isinstance(value, list | tuple) or not value:
        return (
            f"must be the message's text or a non-empty list of content parts ({', '.join(CONTENT_TYPES)}), "
            f"got {_kind(value) if value != [] else 'an empty list'}."
        )
    for index, part in enumerate(value):
        problem = _part_problem(part)
        if problem:
            return f"part {index} {problem}"
    return None


def _part_problem(part: Any) -> str | None:
    if not isinstance(part, Mapping):
        return f"must be a map with a 'type' ({', '.join(CONTENT_TYPES)}), got {part!r}."
    kind = part.get("type")
    if kind not in CONTENT_TYPES:
        return f"has type {kind!r}; allowed types: {', '.join(CONTENT_TYPES)}."
    problem = _extra_keys(part, ("type", kind))
    if problem:
        return problem
    body = part.get(kind)
    if kind == "text":
        if not isinstance(body, str) or not body.strip():
            return "is a text part and needs a non-empty 'text' string, e.g. {type: text, text: 'Hello'}."
        return None
    if not isinstance(body, Mapping):
        return f"is an {kind} part and needs an '{kind}' map, got {body!r}."
    if kind == "image_file":
        problem = _extra_keys(body, ("file_id", "detail"))
        if problem:
            return f"{kind} {problem}"
        file_problem = _FILE_ID(body.get("file_id"))
        if file_problem:
            return f"image_file.file_id {file_problem}"
    else:
        problem = _extra_keys(body, ("url", "detail"))
        if problem:
            return f"{kind} {problem}"
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://", "data:image/")):
            return f"image_url.url must be an http(s) or data:image/ URL, got {url!r}."
    detail = body.get("detail")
    if detail is not None and detail not in IMAGE_DETAILS:
        return f"{kind}.detail must be one of {', '.join(IMAGE_DETAILS)}, got {detail!r}."
    return None


def normalize_content(value: Any) -> list[dict[str, Any]]:
    """Content as a list of parts, so ``"Hi"`` equals ``[{type: text, text: "Hi"}]``; ``detail: auto``
    (the API's default) is dropped."""
    if isinstance(value, str):
        return [{"type": "text", "text": value}]
    parts: list[dict[str, Any]] = []
    for part in value:
        part = plain(part)
        kind = part.get("type")
        if kind in ("image_file", "image_url") and isinstance(part.get(kind), dict):
            part[kind] = {k: v for k, v in part[kind].items() if not (k == "detail" and v in (None, "auto"))}
        parts.append(part)
    return parts


def content_from_api(blocks: Any) -> Any:
    """A message's content blocks as the API returns them, in the input's spelling: the text alone for a
    single text block, else a list of parts."""
    parts: list[dict[str, Any]] = []
    for block in blocks or []:
        if block.get("type") == "text":
            parts.append({"type": "text", "text": (block.get("text") or {}).get("value", "")})
        else:
            parts.append(plain(block))
    if len(parts) == 1 and parts[0]["type"] == "text":
        return parts[0]["text"]
    return parts


# --- attachments ------------------------------------------------------------------------------------


def validate_attachments(value: Any) -> str | None:
    """``[{file_id, tools: [{type: code_interpreter | file_search}]}]``."""
    if not isinstance(value, list | tuple):
        return f"must be a list of {{file_id, tools}} maps, got {_kind(value)}."
    for index, item in enumerate(value):
        where = f"item {index}"
        if not isinstance(item, Mapping):
            return f"{where} must be a map {{file_id, tools}}, got {item!r}."
        problem = _extra_keys(item, ("file_id", "tools"))
        if problem:
            return f"{where} {problem}"
        problem = _FILE_ID(item.get("file_id"))
        if problem:
            return f"{where}: file_id {problem}"
        tools = item.get("tools")
        if tools is None:
            continue
        if not isinstance(tools, list | tuple):
            return f"{where}: tools must be a list of {{type}} maps, got {_kind(tools)}."
        for tool in tools:
            if not isinstance(tool, Mapping) or tool.get("type") not in ATTACHMENT_TOOLS or len(tool) != 1:
                return f"{where}: each tool must be {{type: {' | '.join(ATTACHMENT_TOOLS)}}}, got {tool!r}."
    return None


def normalize_attachments(value: Any) -> list[dict[str, Any]]:
    return [
        {"file_id": item.get("file_id"), "tools": [{"type": t["type"]} for t in item.get("tools") or []]}
        for item in value
    ]


# --- a thread's initial messages ------------------------------------------------------------------


def validate_messages(value: Any) -> str | None:
    """``[{role, content, attachments, metadata}]``, each as for a Message."""
    if not isinstance(value, list | tuple):
        return f"must be a list of {{role, content, attachments, metadata}} maps, got {_kind(value)}."
    for index, message in enumerate(value):
        where = f"item {index}"
        if not isinstance(message, Mapping):
            return f"{where} must be a map {{role, content, attachments, metadata}}, got {message!r}."
        problem = _extra_keys(message, MESSAGE_KEYS)
        if problem:
            return f"{where} {problem}"
        if message.get("role") is not None and message["role"] not in ROLES:
            return f"{where}: role must be one of {', '.join(ROLES)}, got {message['role']!r}."
        if message.get("content") is None:
            return f"{where}: content is required (the message's text or a list of content parts)."
        for key, check in (("content", validate_content), ("attachments", validate_attachments),
                           ("metadata", _METADATA)):
            if message.get(key) is not None:
                problem = check(message[key])
                if problem:
                    return f"{where}: {key} {problem}"
    return None


def normalize_messages(value: Any) -> list[dict[str, Any]]:
    result = []
    for message in value:
        item: dict[str, Any] = {"role": message.get("role") or "user",
                                "content": normalize_content(message.get("content") or "")}
        if message.get("attachments"):
            item["attachments"] = normalize_attachments(message["attachments"])
        if message.get("metadata"):
            item["metadata"] = dict(message["metadata"])
        result.append(item)
    return result


def messages_to_api(value: Any) -> list[dict[str, Any]]:
    """The ``messages`` of a create-thread request: each with a role (``user`` unless given)."""
    return [{"role": "user", **{k: v for k, v in plain(m).items() if v is not None}} for m in value]


# --- tool resources -----------------------------------------------------------------------------------


def validate_tool_resources(value: Any) -> str | None:
    """``{code_interpreter: {file_ids: [...]}, file_search: {vector_store_ids: [...]}}``."""
    if not isinstance(value, Mapping):
        return (
            "must be a map {code_interpreter: {file_ids: [...]}, file_search: {vector_store_ids: [...]}}, "
            f"got {_kind(value)}."
        )
    problem = _extra_keys(value, ("code_interpreter", "file_search"))
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
            return f"{tool} must be a map {{{key}: [...]}}, got {section!r}."
        problem = _extra_keys(section, (key,))
        if problem:
            hint = " (create the vector store first and give its id)" if "vector_stores" in section else ""
            return f"{tool} {problem}{hint}"
        ids = section.get(key) or []
        if not isinstance(ids, list | tuple):
            return f"{tool}.{key} must be a list of ids, got {_kind(ids)}."
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


# --- response format ------------------------------------------------------------------------------------


def validate_response_format(value: Any) -> str | None:
    """``"auto"``, or ``{type: text | json_object | json_schema, json_schema: {name, schema, ...}}``."""
    if value == "auto":
        return None
    allowed = f"'auto' or a map {{type: {' | '.join(RESPONSE_FORMATS)}}}"
    if not isinstance(value, Mapping):
        return f"must be {allowed}, got {value!r}."
    kind = value.get("type")
    if kind not in RESPONSE_FORMATS:
        return f"has type {kind!r}; it must be {allowed}."
    problem = _extra_keys(value, ("type", "json_schema") if kind == "json_schema" else ("type",))
    if problem:
        return problem
    if kind == "json_schema":
        schema = value.get("json_schema")
        if not isinstance(schema, Mapping) or not isinstance(schema.get("name"), str) or not schema["name"]:
            return "of type json_schema needs a 'json_schema' map with a 'name' (and a 'schema')."
        if not _SCHEMA_NAME.fullmatch(schema["name"]):
            return (f"json_schema.name must be 1 to 64 letters, digits, '_' or '-', got {schema['name']!r}.")
    return None


_SCHEMA_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
