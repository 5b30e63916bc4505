"""The ``Message`` resource: a message item of an OpenAI conversation (Responses API) or a message on a thread
(Assistants v2) as part of a Pulumi stack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_openai_run._objects.message import MESSAGE_FIELDS, MessageProvider
from pulumi_openai_run.resources._args import describe, resource_props


@dataclass
class MessageArgs:
    """The inputs of a :class:`Message`. Every field may be a plain value or a ``pulumi.Output``."""

    thread_id: pulumi.Input[str]
    content: pulumi.Input[str | Sequence[pulumi.Input[Mapping[str, Any]]]]
    role: pulumi.Input[str] | None = None
    attachments: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    api: pulumi.Input[str] | None = None


class Message(pulumi.dynamic.Resource, module="openai", name="Message"):
    """A message item of an OpenAI conversation (Responses API) or a message on a thread (Assistants v2), e.g.
    the question a later ``Run`` answers. ``thread_id`` says which (``conv_...`` or ``thread_...``).

    ``message.id`` is its id (``msg_...``). A thread's message's ``metadata`` changes in place; any other
    change makes a new message (a conversation item has no metadata: every change makes a new one).
    ``pulumi destroy`` deletes it. A thread takes no message while a run on it is active, nor a conversation
    while a response on it is in progress, so make a follow-up message depend on the run before it
    (``depends_on``).
    """

    thread_id: pulumi.Output[str]
    # the text (str) or the content parts (list of dicts): Pulumi's output translation raises on a union of
    # a string and a list, so it is typed Any
    content: pulumi.Output[Any]
    role: pulumi.Output[str | None]
    attachments: pulumi.Output[list[dict[str, Any]] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    api: pulumi.Output[str | None]

    object: pulumi.Output[str]
    created_at: pulumi.Output[int]
    status: pulumi.Output[str]
    assistant_id: pulumi.Output[str | None]
    run_id: pulumi.Output[str | None]
    completed_at: pulumi.Output[int | None]
    incomplete_at: pulumi.Output[int | None]
    incomplete_details: pulumi.Output[dict[str, str] | None]

    @overload
    def __init__(self, resource_name: str, args: MessageArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        thread_id: pulumi.Input[str],
        content: pulumi.Input[str | Sequence[pulumi.Input[Mapping[str, Any]]]],
        role: pulumi.Input[str] | None = None,
        attachments: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None,
        metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        api: pulumi.Input[str] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        props, opts = resource_props("Message", MessageArgs, MESSAGE_FIELDS, args, kwargs)
        super().__init__(MessageProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], thread_id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None, **inputs: Any) -> Message:
        """Adopt an existing message (import or read-only reference): ``id`` is its ``msg_...`` id and
        ``thread_id`` its conversation (``conv_...``) or thread (``thread_...``); its other inputs are read
        from the API."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return Message(resource_name, merged, thread_id=thread_id, **inputs)


describe(Message, MessageArgs, MESSAGE_FIELDS)
