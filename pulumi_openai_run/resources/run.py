"""The ``Run`` resource: an OpenAI assistant run (or a response) as part of a Pulumi stack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_openai_run._runs.fields import RUN_FIELDS
from pulumi_openai_run._runs.identity import IDENTITY_KEY, identity_of
from pulumi_openai_run._runs.provider import RunProvider
from pulumi_openai_run.resources._args import describe, resource_props


@dataclass(kw_only=True)
class RunArgs:
    """The inputs of a :class:`Run`, by keyword (as in Pulumi's generated SDKs). Every field may be a plain
    value or a ``pulumi.Output``."""

    assistant_id: pulumi.Input[str] | None = None
    thread_id: pulumi.Input[str]
    api: pulumi.Input[str] | None = None
    completion_window: pulumi.Input[float] | None = None
    input: pulumi.Input[str | Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    instructions: pulumi.Input[str] | None = None
    max_tokens: pulumi.Input[int] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    model: pulumi.Input[str] | None = None
    stream_for_tool: pulumi.Input[bool] | None = None
    temperature: pulumi.Input[float] | None = None
    tools: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    top_p: pulumi.Input[float] | None = None


class Run(pulumi.dynamic.Resource, module="openai", name="Run"):
    """An OpenAI assistant run (Assistants v2), or a response (Responses API): ``pulumi up`` starts it
    and, with a ``completion_window``, waits for it and records its status, steps, usage, files and reply.
    ``input`` asks the question with the run; on the Responses API a ``model`` can stand in for an
    ``assistant_id`` (an agent).

    ``run.id`` is the run's id (``run_...``; on the Responses API, ``resp_...``, see ``api``).
    Changing ``metadata`` updates the run in place (on the Responses API it makes a new response);
    changing ``completion_window`` or ``stream_for_tool`` touches nothing on the server; any other
    change starts a new run. ``pulumi destroy`` cancels a run that is still going.
    """

    assistant_id: pulumi.Output[str | None]
    thread_id: pulumi.Output[str]
    api: pulumi.Output[str | None]
    completion_window: pulumi.Output[float | None]
    input: pulumi.Output[str | list[dict[str, Any]] | None]
    instructions: pulumi.Output[str | None]
    max_tokens: pulumi.Output[int | None]
    metadata: pulumi.Output[dict[str, str] | None]
    model: pulumi.Output[str | None]
    stream_for_tool: pulumi.Output[bool | None]
    temperature: pulumi.Output[float | None]
    tools: pulumi.Output[list[dict[str, Any]] | None]
    top_p: pulumi.Output[float | None]

    object: pulumi.Output[str]
    status: pulumi.Output[str]
    created_at: pulumi.Output[int]
    started_at: pulumi.Output[int | None]
    completed_at: pulumi.Output[int | None]
    usage: pulumi.Output[dict[str, float]]
    steps: pulumi.Output[list[dict[str, Any]]]
    file_ids: pulumi.Output[list[str]]
    reply: pulumi.Output[str]
    message_ids: pulumi.Output[list[str]]
    last_error: pulumi.Output[dict[str, str] | None]
    incomplete_details: pulumi.Output[dict[str, str] | None]
    required_action: pulumi.Output[dict[str, Any] | None]

    @overload
    def __init__(self, resource_name: str, args: RunArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        assistant_id: pulumi.Input[str] | None = None,
        thread_id: pulumi.Input[str],
        api: pulumi.Input[str] | None = None,
        completion_window: pulumi.Input[float] | None = None,
        input: pulumi.Input[str | Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None,
        instructions: pulumi.Input[str] | None = None,
        max_tokens: pulumi.Input[int] | None = None,
        metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        model: pulumi.Input[str] | None = None,
        stream_for_tool: pulumi.Input[bool] | None = None,
        temperature: pulumi.Input[float] | None = None,
        tools: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None,
        top_p: pulumi.Input[float] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        props, opts = resource_props("Run", RunArgs, RUN_FIELDS, args, kwargs)
        # which resource this is, for the create marker that lets a killed `pulumi up`'s run be found again; a
        # Run inside a component is told apart from a namesake in another by its parent (not by the parent's
        # URN, an output: a child may not wait on its parent)
        parent = opts.parent if opts is not None else None
        name = resource_name if parent is None else (
            f"{parent.pulumi_resource_type}::{parent.pulumi_resource_name}/{resource_name}")
        props[IDENTITY_KEY] = identity_of(pulumi.get_project(), pulumi.get_stack(), name)
        super().__init__(RunProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], thread_id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None, **inputs: Any) -> Run:
        """Adopt an existing run (import or read-only reference): ``id`` is its ``run_...`` id and
        ``thread_id`` its thread (or a ``resp_...`` id and its ``conv_...`` conversation); further
        inputs, if given, are compared with the run on refresh."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return Run(resource_name, merged, thread_id=thread_id, **inputs)


describe(Run, RunArgs, RUN_FIELDS)
