"""The ``Message`` resource's provider side: its fields, its values, its mapping to the API and its provider.

A message is added to a thread (``POST /threads/{thread_id}/messages``); metadata changes in place, anything
else makes a new message. This table is the single source for check, diff, the README's table and the
resource's docstrings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from pulumi_openai_run._apis import api_field
from pulumi_openai_run._core.json import plain, without_nulls
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind, common_outputs
from pulumi_openai_run._objects.provider import ApiObjectProvider
from pulumi_openai_run.schema import (
    Field,
    an_id,
    check_declares_inputs,
    extra_keys,
    kind_of,
    metadata_field,
    one_of,
    user_metadata,
)

CONTENT_TYPES = ("text", "image_file", "image_url")

IMAGE_DETAILS = ("auto", "low", "high")

ATTACHMENT_TOOLS = ("code_interpreter", "file_search")

MAX_TEXT_LENGTH = 256_000

ROLES = ("user", "assistant")

_FILE_ID = an_id("file-")


# --- values ------------------------------------------------------------------------------------------


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
            f"got {kind_of(value) if value != [] else 'an empty list'}."
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
    problem = extra_keys(part, ("type", kind))
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
        problem = extra_keys(body, ("file_id", "detail"))
        if problem:
            return f"{kind} {problem}"
        file_problem = _FILE_ID(body.get("file_id"))
        if file_problem:
            return f"image_file.file_id {file_problem}"
    else:
        problem = extra_keys(body, ("url", "detail"))
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

def validate_attachments(value: Any) -> str | None:
    """``[{file_id, tools: [{type: code_interpreter | file_search}]}]``."""
    if not isinstance(value, list | tuple):
        return f"must be a list of {{file_id, tools}} maps, got {kind_of(value)}."
    for index, item in enumerate(value):
        where = f"item {index}"
        if not isinstance(item, Mapping):
            return f"{where} must be a map {{file_id, tools}}, got {item!r}."
        problem = extra_keys(item, ("file_id", "tools"))
        if problem:
            return f"{where} {problem}"
        problem = _FILE_ID(item.get("file_id"))
        if problem:
            return f"{where}: file_id {problem}"
        tools = item.get("tools")
        if tools is None:
            continue
        if not isinstance(tools, list | tuple):
            return f"{where}: tools must be a list of {{type}} maps, got {kind_of(tools)}."
        for tool in tools:
            if not isinstance(tool, Mapping) or tool.get("type") not in ATTACHMENT_TOOLS or len(tool) != 1:
                return f"{where}: each tool must be {{type: {' | '.join(ATTACHMENT_TOOLS)}}}, got {tool!r}."
    return None

def normalize_attachments(value: Any) -> list[dict[str, Any]]:
    return [
        {"file_id": item.get("file_id"), "tools": [{"type": t["type"]} for t in item.get("tools") or []]}
        for item in value
    ]


# --- fields ------------------------------------------------------------------------------------------

MESSAGE_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "thread_id",
        "The ID of the thread to add the message to.",
        required=True,
        validate=an_id("thread_"),
    ),
    Field(
        "content",
        "The message's text, or a list of content parts: {type: text, text}, {type: image_file, "
        "image_file: {file_id, detail}}, {type: image_url, image_url: {url, detail}}.",
        required=True,
        type_name="String or List of Map",
        validate=validate_content,
        normalize=normalize_content,
    ),
    Field(
        "role",
        "Who the message is from: user (the default) or assistant.",
        validate=one_of(*ROLES),
        default="user",
    ),
    Field(
        "attachments",
        "Files attached to the message and the tools to add them to: [{file_id, tools: [{type: "
        "code_interpreter | file_search}]}].",
        type_name="List of Map",
        validate=validate_attachments,
        normalize=normalize_attachments,
        default=[],
    ),
    metadata_field(
        "Metadata to attach to the message (at most 16 keys of 64 characters, values of 512). Updated in "
        "place.",
    ),
    api_field("message"),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type, always 'thread.message'.", output=True),
    Field("created_at", "Unix time (seconds) the message was created.", output=True, type_name="Number"),
    Field("status", "The message's status: in_progress, incomplete or completed.", output=True),
    Field("assistant_id", "The assistant that wrote the message, or null for a user's message.", output=True),
    Field("run_id", "The run that wrote the message, or null for a message added by hand.", output=True),
    Field("completed_at", "Unix time the message was completed, or null.", output=True, type_name="Number"),
    Field("incomplete_at", "Unix time the message was marked incomplete, or null.", output=True,
          type_name="Number"),
    Field("incomplete_details", "Why the message is incomplete {reason}, or null.", output=True,
          type_name="Map of String"),
)


class MessageInputs(TypedDict, total=False):
    """A Message's inputs as the provider holds them (absent ones left out)."""

    thread_id: str
    content: str | Sequence[Mapping[str, Any]]
    role: str
    attachments: Sequence[Mapping[str, Any]]
    metadata: Mapping[str, str]
    api: str


check_declares_inputs(MessageInputs, MESSAGE_FIELDS)


# --- mapping and provider ----------------------------------------------------------------------------


def message_outputs(api_object: ApiObject) -> dict[str, Any]:
    return {
        **common_outputs(api_object, "thread.message"),
        "status": api_object.get("status"),
        "assistant_id": api_object.get("assistant_id"),
        "run_id": api_object.get("run_id"),
        "completed_at": api_object.get("completed_at"),
        "incomplete_at": api_object.get("incomplete_at"),
        "incomplete_details": without_nulls(api_object.get("incomplete_details")),
    }

def message_values(api_object: ApiObject) -> dict[str, Any]:
    return {
        "thread_id": api_object.get("thread_id"),
        "role": api_object.get("role"),
        "content": content_from_api(api_object.get("content")),
        "attachments": plain(api_object.get("attachments") or []),
        "metadata": user_metadata(api_object.get("metadata")),
    }

MESSAGE = ObjectKind(
    noun="message",
    resource="Message",
    fields=MESSAGE_FIELDS,
    id_prefix="msg_",
    collection=lambda client: client.beta.threads.messages,
    outputs=message_outputs,
    server_values=message_values,
    to_api={"metadata": dict},
    create_defaults={"role": "user"},
    scope=("thread_id",),
    import_hint="Message.get(name, 'msg_...', thread_id='thread_...')",
    busy_hint="A thread takes no message while a run on it is active: make this Message depend on that Run "
              "(opts=pulumi.ResourceOptions(depends_on=[run])).",
)


class MessageProvider(ApiObjectProvider):
    """Adds a message to a thread, modifies its metadata in place, refreshes and deletes it."""

    KINDS = {"assistants": MESSAGE}
    API_PROBES = (("thread_id", "thread_prefix"),)
    FIELDS = MESSAGE_FIELDS
