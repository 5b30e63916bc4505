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
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind, common_outputs, variant
from pulumi_openai_run._objects.provider import ApiObjectProvider
from pulumi_openai_run.schema import (
    Failure,
    Field,
    an_id,
    check_declares_inputs,
    extra_keys,
    kind_of,
    metadata_field,
    one_of,
    shown,
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
        return f"must be a map with a 'type' ({', '.join(CONTENT_TYPES)}), got {shown(part)}."
    kind = part.get("type")
    if kind not in CONTENT_TYPES:
        return f"has type {shown(kind)}; allowed types: {', '.join(CONTENT_TYPES)}."
    problem = extra_keys(part, ("type", kind))
    if problem:
        return problem
    body = part.get(kind)
    if kind == "text":
        if not isinstance(body, str) or not body.strip():
            return "is a text part and needs a non-empty 'text' string, e.g. {type: text, text: 'Hello'}."
        return None
    if not isinstance(body, Mapping):
        return f"is an {kind} part and needs an '{kind}' map, got {shown(body)}."
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
            return f"image_url.url must be an http(s) or data:image/ URL, got {shown(url)}."
    detail = body.get("detail")
    if detail is not None and detail not in IMAGE_DETAILS:
        return f"{kind}.detail must be one of {', '.join(IMAGE_DETAILS)}, got {shown(detail)}."
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
            return f"{where} must be a map {{file_id, tools}}, got {shown(item)}."
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
                return f"{where}: each tool must be {{type: {' | '.join(ATTACHMENT_TOOLS)}}}, got {shown(tool)}."
    return None

def normalize_attachments(value: Any) -> list[dict[str, Any]]:
    return [
        {"file_id": item.get("file_id"), "tools": [{"type": t["type"]} for t in item.get("tools") or []]}
        for item in value
    ]


# --- values on the Responses API: a conversation item's content ----------------------------------------

ITEM_ROLES = ("user", "assistant", "developer", "system")
ITEM_PART_TYPES = ("input_text", "input_image", "input_file")
LEGACY_PARTS = {"text": "input_text", "image_url": "input_image", "image_file": "input_image"}
"""The Assistants API's part types, and what each becomes in a conversation item."""
FILE_DETAILS = ("auto", "low", "high")
IMAGE_ITEM_DETAILS = ("auto", "low", "high", "original")
FILES_ON_RESPONSES = (
    "give the files to the model as content parts of a Message ({type: input_file, file_id}; input_image for "
    "images): the Responses API's file_search needs vector store ids, which neither an agent nor a Run names"
)
"""Where files go on the Responses API, for the inputs that held them on the Assistants API."""
MAX_ITEMS = 20
"""The most items one request may add to a conversation (``POST /conversations`` and ``/items``)."""
_TEXT_TYPES = ("input_text", "output_text", "text")


def validate_item_content(value: Any) -> str | None:
    """A conversation message's content: its text, or a non-empty list of ``input_text``, ``input_image``
    and ``input_file`` parts (the Assistants spelling ``text``/``image_url``/``image_file`` too)."""
    try:
        normalize_item_content(value)
    except ValueError as error:
        return str(error)
    return None

def normalize_item_content(value: Any) -> list[dict[str, Any]]:
    """Content as a list of parts in the conversation item's spelling, whatever the role; so ``"Hi"`` equals
    ``[{type: input_text, text: Hi}]``, ``[{type: text, text: Hi}]`` and an assistant item's ``output_text``;
    ``detail: auto`` (the default) and nulls are dropped. Raises ``ValueError`` with what is wrong."""
    allowed = ", ".join(ITEM_PART_TYPES)
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("must not be empty: give the message's text or a list of content parts.")
        return [{"type": "input_text", "text": value}]
    if not isinstance(value, list | tuple) or not value:
        raise ValueError(f"must be the message's text or a non-empty list of content parts ({allowed}), got "
                         f"{kind_of(value) if value != [] else 'an empty list'}.")
    return [_item_part(f"part {index}", part) for index, part in enumerate(value)]

def _item_part(where: str, part: Any) -> dict[str, Any]:
    allowed = ", ".join(ITEM_PART_TYPES)
    if not isinstance(part, Mapping):
        raise ValueError(f"{where} must be a map with a 'type' ({allowed}), got {shown(part)}.")
    kind = part.get("type")
    if kind in _TEXT_TYPES:
        answered = ("annotations", "logprobs") if kind == "output_text" else ()
        _no_extra(where, part, ("type", "text", *answered))
        text = part.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where} is a text part and needs a non-empty 'text' string, e.g. {{type: input_text, "
                             "text: 'Hello'}.")
        return {"type": "input_text", "text": text}
    if kind in ("image_url", "image_file"):  # the Assistants spelling: {type, image_url: {url, detail}}, ...
        _no_extra(where, part, ("type", kind))
        body = part.get(kind)
        if not isinstance(body, Mapping):
            raise ValueError(f"{where} is an {kind} part and needs an '{kind}' map, got {shown(body)}.")
        key = "url" if kind == "image_url" else "file_id"
        _no_extra(f"{where} {kind}", body, (key, "detail"))
        part = {"type": "input_image", "image_url" if kind == "image_url" else "file_id": body.get(key),
                "detail": body.get("detail")}
        kind = "input_image"
    if kind == "input_image":
        return _input_image(where, part)
    if kind == "input_file":
        return _input_file(where, part)
    raise ValueError(f"{where} has type {shown(kind)}; allowed types: {allowed} (or text, image_url, image_file).")

def _input_image(where: str, part: Mapping[str, Any]) -> dict[str, Any]:
    _no_extra(where, part, ("type", "image_url", "file_id", "detail"))
    given = {k: part[k] for k in ("image_url", "file_id") if part.get(k) is not None}
    if len(given) != 1:
        raise ValueError(f"{where} is an input_image part and needs one of image_url (an http(s) or data:image/ "
                         "URL) or file_id.")
    url = given.get("image_url")
    if url is not None and (not isinstance(url, str) or not url.startswith(("https://", "http://", "data:image/"))):
        raise ValueError(f"{where}: image_url must be an http(s) or data:image/ URL, got {shown(url)}.")
    if "file_id" in given:
        problem = _FILE_ID(given["file_id"])
        if problem:
            raise ValueError(f"{where}: file_id {problem}")
    detail = part.get("detail")
    if detail is not None and detail not in IMAGE_ITEM_DETAILS:
        raise ValueError(f"{where}: detail must be one of {', '.join(IMAGE_ITEM_DETAILS)}, got {shown(detail)}.")
    return {"type": "input_image", **given, **({"detail": detail} if detail not in (None, "auto") else {})}

def _input_file(where: str, part: Mapping[str, Any]) -> dict[str, Any]:
    _no_extra(where, part, ("type", "file_id", "file_url", "file_data", "filename", "detail"))
    given = {k: part[k] for k in ("file_id", "file_url", "file_data") if part.get(k) is not None}
    if len(given) != 1:
        raise ValueError(f"{where} is an input_file part and needs one of file_id, file_url or file_data (with a "
                         "filename).")
    if "file_id" in given:
        problem = _FILE_ID(given["file_id"])
        if problem:
            raise ValueError(f"{where}: file_id {problem}")
    for key, value in given.items():
        if not isinstance(value, str) or not value:
            raise ValueError(f"{where}: {key} must be a non-empty string.")
    if "file_data" in given and not isinstance(part.get("filename"), str):
        raise ValueError(f"{where}: file_data needs a filename.")
    detail = part.get("detail")
    if detail is not None and detail not in FILE_DETAILS:
        raise ValueError(f"{where}: detail must be one of {', '.join(FILE_DETAILS)}, got {shown(detail)}.")
    extra = {k: part[k] for k in ("filename", "detail") if part.get(k) is not None}
    return {"type": "input_file", **given, **extra}

def _no_extra(where: str, value: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    problem = extra_keys(value, allowed)
    if problem:
        raise ValueError(f"{where} {problem}")

def item_content_to_api(role: str, content: Any) -> list[dict[str, Any]]:
    """The parts a message item of ``role`` is sent with: an assistant's text as ``output_text`` (the API
    takes no input parts from the assistant), an image part with its ``detail`` (the API requires one)."""
    parts = normalize_item_content(content)
    if role == "assistant":  # check has made sure that an assistant's parts are text
        return [{"type": "output_text", "text": part["text"]} if part["type"] == "input_text" else part
                for part in parts]
    return [{**part, "detail": part.get("detail", "auto")} if part["type"] == "input_image" else part
            for part in parts]

def item_content_from_api(parts: Any) -> Any:
    """A message item's content as the API answers it, in the input's spelling: the text alone for a single
    text part, else a list of parts."""
    content = [_answered_part(index, part) for index, part in enumerate(parts or [])]
    if len(content) == 1 and content[0]["type"] == "input_text":
        return content[0]["text"]
    return content

def _answered_part(index: int, part: Mapping[str, Any]) -> dict[str, Any]:
    """An answered part in the input's spelling, without the keys the API adds that an input part has no place
    for (nulls, ``prompt_cache_breakpoint``); one no input can spell (a refusal, in an item a response made)
    as the API has it, so it shows as drift rather than failing the read."""
    known = {k: v for k, v in part.items() if v is not None and k != "prompt_cache_breakpoint"}
    try:
        return _item_part(f"part {index}", known)
    except ValueError:
        return dict(without_nulls(part))

def assistant_item_problems(role: Any, content: Any) -> str | None:
    """Why ``content`` cannot be an assistant's message item (an assistant message is text only), or ``None``."""
    if role != "assistant" or validate_item_content(content) is not None:
        return None
    kinds = sorted({part["type"] for part in normalize_item_content(content)} - {"input_text"})
    if kinds:
        return (f"has {', '.join(kinds)} parts, but an assistant's message item on the Responses API is text only: "
                "give images and files in a user message.")
    return None


# --- fields ------------------------------------------------------------------------------------------

MESSAGE_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "thread_id",
        "The ID of the thread to add the message to (thread_...); on the Responses API, of the conversation "
        "(conv_...).",
        required=True,
        validate=an_id("thread_"),
    ),
    Field(
        "content",
        "The message's text, or a list of content parts: {type: text, text}, {type: image_file, "
        "image_file: {file_id, detail}}, {type: image_url, image_url: {url, detail}}. On the Responses API "
        "also {type: input_text, text}, {type: input_image, image_url | file_id, detail} and {type: input_file, "
        "file_id | file_url | file_data + filename}; an assistant's message is text only.",
        required=True,
        type_name="String or List of Map",
        validate=validate_content,
        normalize=normalize_content,
    ),
    Field(
        "role",
        "Who the message is from: user (the default) or assistant; on the Responses API also developer or "
        "system.",
        validate=one_of(*ROLES),
        default="user",
    ),
    Field(
        "attachments",
        "Files attached to the message and the tools to add them to: [{file_id, tools: [{type: "
        "code_interpreter | file_search}]}]. Assistants API only (on the Responses API, input_file parts).",
        type_name="List of Map",
        validate=validate_attachments,
        normalize=normalize_attachments,
        default=[],
    ),
    metadata_field(
        "Metadata to attach to the message (at most 16 keys of 64 characters, values of 512). Updated in "
        "place. Assistants API only (a conversation item has none).",
    ),
    api_field("message"),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type: 'thread.message', or 'conversation.item' on the Responses API.",
          output=True),
    Field("created_at", "Unix time (seconds) the message was created (null for a conversation item, which "
          "carries no time).", output=True, type_name="Number"),
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


# --- on the Responses API: a conversation item -------------------------------------------------------


def item_outputs(api_object: ApiObject) -> dict[str, Any]:
    """A conversation item has a status and nothing else of a message's outputs: the rest are null."""
    return {"object": "conversation.item", "created_at": None, "status": api_object.get("status"),
            "assistant_id": None, "run_id": None, "completed_at": None, "incomplete_at": None,
            "incomplete_details": None}

def item_values(api_object: ApiObject) -> dict[str, Any]:
    return {"role": api_object.get("role"), "content": item_content_from_api(api_object.get("content"))}

def message_item(body: Mapping[str, Any]) -> dict[str, Any]:
    """A conversation message item for a create body ``{role, content}``."""
    role = str(body.get("role") or "user")
    return {"type": "message", "role": role, "content": item_content_to_api(role, body["content"])}

def is_item_of(body: Mapping[str, Any], item: ApiObject) -> bool:
    """Whether ``item`` is the message item ``body`` makes (for a lost create: the same role and content)."""
    if item.get("type") != "message" or item.get("role") != (body.get("role") or "user"):
        return False
    try:
        return normalize_item_content(item_content_from_api(item.get("content"))) == \
            normalize_item_content(body["content"])
    except ValueError:
        return False

def item_problems(inputs: Mapping[str, Any]) -> list[Failure]:
    problem = assistant_item_problems(inputs.get("role"), inputs.get("content"))
    return [Failure("content", f"'content' {problem}")] if problem else []

ITEM = ObjectKind(
    noun="conversation item",
    resource="Message",
    fields=variant(
        MESSAGE_FIELDS,
        thread_id={"validate": an_id("conv_")},
        content={"validate": validate_item_content, "normalize": normalize_item_content},
        role={"validate": one_of(*ITEM_ROLES)},
    ),
    id_prefix="msg_",
    collection=lambda client: client.conversations.items,
    outputs=item_outputs,
    server_values=item_values,
    create_defaults={"role": "user"},
    scope=("thread_id",),
    scope_as={"thread_id": "conversation_id"},
    create_args=lambda body: {"items": [message_item(body)]},
    created=lambda answer: answer["data"][0],
    lost_create="match",  # items carry no metadata for a marker, but the conversation keeps their order
    matches=is_item_of,
    import_hint="Message.get(name, 'msg_...', thread_id='conv_...')",
    busy_hint="A conversation takes no item while a response on it is in progress: make this Message depend on "
              "that Run (opts=pulumi.ResourceOptions(depends_on=[run])).",
    refuses={
        "attachments": "has no place on a conversation item: give each file as a content part instead, "
                       "{type: input_file, file_id} (or {type: input_image, file_id} for an image).",
        "metadata": "has no place on a conversation item (items carry no metadata): put it on the Thread (the "
                    "conversation's metadata), or remove it.",
    },
    problems=item_problems,
)


class MessageProvider(ApiObjectProvider):
    """Adds a message to a thread, modifies its metadata in place, refreshes and deletes it."""

    KINDS = {"assistants": MESSAGE, "responses": ITEM}
    API_PROBES = (("thread_id", "thread_prefix"),)
    FIELDS = MESSAGE_FIELDS
