"""The ``Thread`` resource's provider side: its fields, its values, its mapping to the API and its provider.

Metadata and tool resources change in place (``POST /threads/{id}``); the initial messages make a new
thread. This table is the single source for check, diff, the README's table and the resource's docstrings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from pulumi_openai_run._apis import api_field
from pulumi_openai_run._core.json import plain
from pulumi_openai_run._core.tools import normalize_tool_resources, tool_resources_to_api, validate_tool_resources
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind, common_outputs
from pulumi_openai_run._objects.message import (
    ROLES,
    normalize_attachments,
    normalize_content,
    validate_attachments,
    validate_content,
)
from pulumi_openai_run._objects.provider import ApiObjectProvider
from pulumi_openai_run.schema import (
    Field,
    a_metadata_map,
    check_declares_inputs,
    extra_keys,
    kind_of,
    metadata_field,
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
            return f"{where} must be a map {{role, content, attachments, metadata}}, got {message!r}."
        problem = extra_keys(message, MESSAGE_KEYS)
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


# --- fields ------------------------------------------------------------------------------------------

THREAD_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "messages",
        "Messages to start the thread with: [{role (user or assistant; default user), content (text or "
        "content parts), attachments, metadata}]. Changing them makes a new thread.",
        type_name="List of Map",
        validate=validate_messages,
        normalize=normalize_messages,
        default=[],
    ),
    metadata_field(
        "Metadata to attach to the thread (at most 16 keys of 64 characters, values of 512).",
    ),
    Field(
        "tool_resources",
        "Files for the assistant's tools on this thread: {code_interpreter: {file_ids: [up to 20]}, "
        "file_search: {vector_store_ids: [at most 1]}}.",
        on_change="update",
        type_name="Map",
        validate=validate_tool_resources,
        normalize=normalize_tool_resources,
        default={},
    ),
    api_field("thread"),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type, always 'thread'.", output=True),
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
    lost_create="repeat",  # there is no list endpoint for threads; a stray empty thread costs nothing
    import_hint="Thread.get(name, 'thread_...')",
)


class ThreadProvider(ApiObjectProvider):
    """Creates, modifies in place (metadata, tool resources), refreshes and deletes OpenAI threads."""

    KINDS = {"assistants": THREAD}
    API_PROBES = (("id", "thread_prefix"),)
    FIELDS = THREAD_FIELDS
