"""The ``Thread`` resource's provider side: its fields, its values, its mapping to the API and its provider.

On the Assistants API a thread (``/threads``), on the Responses API a conversation (``/conversations``, its
initial messages sent as items). Metadata (and a thread's tool resources) change in place; the initial
messages make a new one. This table is the single source for check, diff, the README's table and the
resource's docstrings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from pulumi_openai_run._apis import api_field
from pulumi_openai_run._core.json import plain
from pulumi_openai_run._core.tools import normalize_tool_resources, tool_resources_field, tool_resources_to_api
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind, common_outputs, variant
from pulumi_openai_run._objects.message import (
    FILES_ON_RESPONSES,
    ITEM_ROLES,
    MAX_ITEMS,
    ROLES,
    assistant_item_problems,
    message_item,
    normalize_attachments,
    normalize_content,
    normalize_item_content,
    validate_attachments,
    validate_content,
    validate_item_content,
)
from pulumi_openai_run._objects.provider import ApiObjectProvider
from pulumi_openai_run.schema import (
    Field,
    a_metadata_map,
    check_declares_inputs,
    extra_keys,
    kind_of,
    metadata_field,
    shown,
    user_metadata,
)

MESSAGE_KEYS = ("role", "content", "attachments", "metadata")

_METADATA = a_metadata_map()


# --- values ------------------------------------------------------------------------------------------


def validate_messages(value: Any) -> str | None:
    """``[{role, content, attachments, metadata}]``, each as for a Message."""
    if not isinstance(value, list | tuple):
        return f"must be a list of {{role, content, attachments, metadata}} maps, got {kind_of(value)}."
    for index, message in enumerate(value):
        where = f"item {index}"
        if not isinstance(message, Mapping):
            return f"{where} must be a map {{role, content, attachments, metadata}}, got {shown(message)}."
        problem = extra_keys(message, MESSAGE_KEYS)
        if problem:
            return f"{where} {problem}"
        if message.get("role") is not None and message["role"] not in ROLES:
            return f"{where}: role must be one of {', '.join(ROLES)}, got {shown(message['role'])}."
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


# --- values on the Responses API: a conversation's first items --------------------------------------------

ITEM_KEYS = ("type", "role", "content")
"""A conversation's first item: a message, ``type: message`` optional (as the API spells an input item)."""


def validate_item_messages(value: Any) -> str | None:
    """``[{role, content}]``, at most 20 (the API's limit for one request), each as for a Message on the
    Responses API; ``attachments`` and ``metadata`` refused with what to do instead."""
    if not isinstance(value, list | tuple):
        return f"must be a list of {{role, content}} maps, got {kind_of(value)}."
    if len(value) > MAX_ITEMS:
        return (f"may have at most {MAX_ITEMS} messages on the Responses API (a conversation is created with at "
                f"most {MAX_ITEMS} items), got {len(value)}: start with fewer and add the rest as Messages.")
    for index, message in enumerate(value):
        where = f"item {index}"
        if not isinstance(message, Mapping):
            return f"{where} must be a map {{role, content}}, got {shown(message)}."
        if message.get("attachments") is not None:
            return (f"{where}: attachments have no place in a conversation item: give each file as a content "
                    "part, {type: input_file, file_id}.")
        if message.get("metadata") is not None:
            return (f"{where}: metadata has no place in a conversation item: put it in the Thread's metadata.")
        problem = extra_keys(message, ITEM_KEYS)
        if problem:
            return f"{where} {problem}"
        if message.get("type") not in (None, "message"):
            return (f"{where} has type {shown(message['type'])}: a Thread starts with messages only (type: message, or "
                    "no type).")
        if message.get("role") is not None and message["role"] not in ITEM_ROLES:
            return f"{where}: role must be one of {', '.join(ITEM_ROLES)}, got {shown(message['role'])}."
        if message.get("content") is None:
            return f"{where}: content is required (the message's text or a list of content parts)."
        problem = validate_item_content(message["content"]) or assistant_item_problems(message.get("role"),
                                                                                       message["content"])
        if problem:
            return f"{where}: content {problem}"
    return None

def normalize_item_messages(value: Any) -> list[dict[str, Any]]:
    return [{"role": message.get("role") or "user", "content": normalize_item_content(message.get("content"))}
            for message in value]

def items_to_api(value: Any) -> list[dict[str, Any]]:
    """The ``items`` of a create-conversation request."""
    return [message_item(plain(message)) for message in value]


# --- fields ------------------------------------------------------------------------------------------

THREAD_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "messages",
        "Messages to start the thread with: [{role (user or assistant; default user), content (text or "
        "content parts), attachments, metadata}], as for a Message. Changing them makes a new thread. On the "
        "Responses API, the conversation's first items: at most 20 [{role, content}].",
        type_name="List of Map",
        validate=validate_messages,
        normalize=normalize_messages,
        default=[],
    ),
    metadata_field(
        "Metadata to attach to the thread (at most 16 keys of 64 characters, values of 512).",
    ),
    tool_resources_field(
        "Files for the assistant's tools on this thread: {code_interpreter: {file_ids: [up to 20]}, "
        "file_search: {vector_store_ids: [at most 1]}}. Assistants API only.",
    ),
    api_field("thread"),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type: 'thread', or 'conversation' on the Responses API.", output=True),
    Field("created_at", "Unix time (seconds) the thread was created.", output=True, type_name="Number"),
)


class ThreadInputs(TypedDict, total=False):
    """A Thread's inputs as the provider holds them (absent ones left out)."""

    messages: Sequence[Mapping[str, Any]]
    metadata: Mapping[str, str]
    tool_resources: Mapping[str, Any]
    api: str


check_declares_inputs(ThreadInputs, THREAD_FIELDS)


# --- mapping and provider ----------------------------------------------------------------------------


def thread_values(api_object: ApiObject) -> dict[str, Any]:
    return {
        "metadata": user_metadata(api_object.get("metadata")),
        "tool_resources": normalize_tool_resources(plain(api_object.get("tool_resources"))),
    }

THREAD = ObjectKind(
    noun="thread",
    resource="Thread",
    fields=THREAD_FIELDS,
    id_prefix="thread_",
    collection=lambda client: client.beta.threads,
    outputs=lambda api_object: common_outputs(api_object, "thread"),
    server_values=thread_values,
    to_api={"messages": messages_to_api, "metadata": dict, "tool_resources": tool_resources_to_api},
    lost_create="repeat",  # no list endpoint: sent again; a stray holds the initial messages
    import_hint="Thread.get(name, 'thread_...')",
)


def conversation_values(api_object: ApiObject) -> dict[str, Any]:
    return {"metadata": user_metadata(api_object.get("metadata"))}

CONVERSATION = ObjectKind(
    noun="conversation",
    resource="Thread",
    fields=variant(THREAD_FIELDS, messages={"validate": validate_item_messages, "normalize": normalize_item_messages}),
    id_prefix="conv_",
    collection=lambda client: client.conversations,
    outputs=lambda api_object: common_outputs(api_object, "conversation"),
    server_values=conversation_values,
    to_api={"messages": items_to_api, "metadata": dict},
    create_args=lambda body: {("items" if name == "messages" else name): value for name, value in body.items()},
    # There is no list endpoint for conversations, so a lost create cannot be looked up: it is sent again, and
    # the price is at most a stray conversation that nothing uses.
    lost_create="repeat",
    import_hint="Thread.get(name, 'conv_...')",
    refuses={"tool_resources": f"has no place on a conversation: {FILES_ON_RESPONSES}."},
)


class ThreadProvider(ApiObjectProvider):
    """Creates, modifies in place (metadata, tool resources), refreshes and deletes OpenAI threads (on the
    Responses API, conversations)."""

    KINDS = {"assistants": THREAD, "responses": CONVERSATION}
    API_PROBES = (("id", "thread_prefix"),)
    FIELDS = THREAD_FIELDS
