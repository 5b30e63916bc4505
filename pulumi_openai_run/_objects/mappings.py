"""The assistant, thread and message kinds: each one's field table, client resource and pure mapping
between the resource's fields and the API's JSON (see :class:`~.object_kind.ObjectKind`)."""

from __future__ import annotations

from typing import Any

from pulumi_openai_run._apis.assistants.mapping import user_metadata
from pulumi_openai_run._core.tools import normalize_tools
from pulumi_openai_run._objects.assistant import ASSISTANT_FIELDS
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind
from pulumi_openai_run._objects.message import MESSAGE_FIELDS
from pulumi_openai_run._objects.thread import THREAD_FIELDS
from pulumi_openai_run._objects.values import (
    content_from_api,
    messages_to_api,
    normalize_tool_resources,
    plain,
    tool_resources_to_api,
)


def _common_outputs(api_object: ApiObject, object_type: str) -> dict[str, Any]:
    return {"object": api_object.get("object", object_type), "created_at": api_object.get("created_at")}


def _no_nulls(value: Any) -> Any:
    """A map for state without null values (Pulumi maps dislike nulls)."""
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    return value


# --- assistants -------------------------------------------------------------------------------------

_ASSISTANT_INPUTS = ("model", "name", "description", "instructions", "tools", "tool_resources", "temperature",
                     "top_p", "response_format")


def assistant_values(api_object: ApiObject) -> dict[str, Any]:
    values = {name: plain(api_object.get(name)) for name in _ASSISTANT_INPUTS}
    values["metadata"] = user_metadata(api_object.get("metadata"))
    values["tool_resources"] = normalize_tool_resources(values["tool_resources"])
    return values


ASSISTANT = ObjectKind(
    noun="assistant",
    resource="Assistant",
    fields=ASSISTANT_FIELDS,
    id_prefix="asst_",
    collection=lambda client: client.beta.assistants,
    outputs=lambda api_object: _common_outputs(api_object, "assistant"),
    server_values=assistant_values,
    to_api={"tools": normalize_tools, "temperature": float, "top_p": float, "metadata": dict,
            "tool_resources": tool_resources_to_api},
    import_hint="Assistant.get(name, 'asst_...')",
)


# --- threads ------------------------------------------------------------------------------------------


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
    outputs=lambda api_object: _common_outputs(api_object, "thread"),
    server_values=thread_values,
    to_api={"messages": messages_to_api, "metadata": dict, "tool_resources": tool_resources_to_api},
    lost_create="repeat",  # there is no list endpoint for threads; a stray empty thread costs nothing
    import_hint="Thread.get(name, 'thread_...')",
)


# --- messages -----------------------------------------------------------------------------------------


def message_outputs(api_object: ApiObject) -> dict[str, Any]:
    return {
        **_common_outputs(api_object, "thread.message"),
        "status": api_object.get("status"),
        "assistant_id": api_object.get("assistant_id"),
        "run_id": api_object.get("run_id"),
        "completed_at": api_object.get("completed_at"),
        "incomplete_at": api_object.get("incomplete_at"),
        "incomplete_details": _no_nulls(plain(api_object.get("incomplete_details"))),
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
