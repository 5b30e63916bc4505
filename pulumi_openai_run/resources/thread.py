"""The ``Thread`` resource: an OpenAI conversation (Responses API) or thread (Assistants v2) as part of a
Pulumi stack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_openai_run._objects.thread import THREAD_FIELDS, ThreadProvider
from pulumi_openai_run.resources._args import describe, resource_props


@dataclass
class ThreadArgs:
    """The inputs of a :class:`Thread`. Every field may be a plain value or a ``pulumi.Output``."""

    messages: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    tool_resources: pulumi.Input[Mapping[str, Any]] | None = None
    api: pulumi.Input[str] | None = None


class Thread(pulumi.dynamic.Resource, module="openai", name="Thread"):
    """An OpenAI conversation (Responses API, ``/conversations``) or thread (Assistants v2): what runs answer
    and add to.

    ``thread.id`` is its id (``conv_...``; a thread's ``thread_...``). ``metadata`` (and a thread's
    ``tool_resources``) change in place; changing the initial ``messages`` makes a new one. ``pulumi destroy``
    deletes it: a thread with its messages; a conversation without its items, which the API does not delete
    (a ``Message`` on it deletes its own item first).
    """

    messages: pulumi.Output[list[dict[str, Any]] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    tool_resources: pulumi.Output[dict[str, Any] | None]
    api: pulumi.Output[str | None]

    object: pulumi.Output[str]
    created_at: pulumi.Output[int]

    @overload
    def __init__(self, resource_name: str, args: ThreadArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        messages: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None,
        metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        tool_resources: pulumi.Input[Mapping[str, Any]] | None = None,
        api: pulumi.Input[str] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        props, opts = resource_props("Thread", ThreadArgs, THREAD_FIELDS, args, kwargs)
        super().__init__(ThreadProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None,
            **inputs: Any) -> Thread:
        """Adopt an existing conversation or thread (import or read-only reference) by its ``conv_...`` or
        ``thread_...`` id."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return Thread(resource_name, merged, **inputs)


describe(Thread, ThreadArgs, THREAD_FIELDS)
