"""The ``Run`` resource: an OpenAI assistant run as part of a Pulumi stack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_openai_run._runs.fields import RUN_FIELDS
from pulumi_openai_run._runs.provider import RunProvider
from pulumi_openai_run.resources._args import constructor_doc, resource_props
from pulumi_openai_run.schema import check_declares_inputs


@dataclass
class RunArgs:
    """The inputs of a :class:`Run`. Every field may be a plain value or a ``pulumi.Output``."""

    assistant_id: pulumi.Input[str]
    """The ID of the assistant to use for the run (``asst_...``; Responses API: a stored prompt, ``pmpt_...``)."""
    thread_id: pulumi.Input[str]
    """The ID of the thread to run the assistant on (``thread_...``; Responses API: a conversation, ``conv_...``)."""
    api: pulumi.Input[str] | None = None
    """``assistants`` or ``responses``; absent: chosen from the ids."""
    completion_window: pulumi.Input[float] | None = None
    """Seconds to wait for a terminal status; absent: create the run and return at once."""
    instructions: pulumi.Input[str] | None = None
    """Override the default instructions of the assistant for the run."""
    max_tokens: pulumi.Input[int] | None = None
    """The most completion tokens the run may use (the API's ``max_completion_tokens``)."""
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Up to 16 key/value strings; changed in place, without a new run."""
    model: pulumi.Input[str] | None = None
    """The model to use; absent: the assistant's model."""
    stream_for_tool: pulumi.Input[bool] | None = None
    """Follow the run over the API's event stream instead of polling (same outcome)."""
    temperature: pulumi.Input[float] | None = None
    """Sampling temperature, 0 to 2."""
    tools: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    """Override the assistant's tools: API tool objects or flat maps of strings."""
    top_p: pulumi.Input[float] | None = None
    """Nucleus sampling, 0 to 1."""


check_declares_inputs(RunArgs, RUN_FIELDS)


class Run(pulumi.dynamic.Resource, module="openai", name="Run"):
    """An OpenAI assistant run (Assistants v2): ``pulumi up`` starts it and, with a
    ``completion_window``, waits for it and records its status, steps, usage, files and reply.

    ``run.id`` is the run's id (``run_...``; on the Responses API, ``resp_...``, see ``api``).
    Changing ``metadata`` updates the run in place (on the Responses API it makes a new response);
    changing ``completion_window`` or ``stream_for_tool`` touches nothing on the server; any other
    change starts a new run. ``pulumi destroy`` cancels a run that is still going.
    """

    assistant_id: pulumi.Output[str]
    """The ID of the assistant used for the run."""
    thread_id: pulumi.Output[str]
    """The ID of the thread the run is on."""
    api: pulumi.Output[str | None]
    """The api as given."""
    completion_window: pulumi.Output[float | None]
    """The completion_window as given."""
    instructions: pulumi.Output[str | None]
    """The instructions override as given."""
    max_tokens: pulumi.Output[int | None]
    """The max_tokens as given."""
    metadata: pulumi.Output[dict[str, str] | None]
    """The run's metadata."""
    model: pulumi.Output[str | None]
    """The model override as given."""
    stream_for_tool: pulumi.Output[bool | None]
    """Whether the run was followed over the event stream."""
    temperature: pulumi.Output[float | None]
    """The temperature as given."""
    tools: pulumi.Output[list[dict[str, Any]] | None]
    """The tools override as given."""
    top_p: pulumi.Output[float | None]
    """The top_p as given."""

    object: pulumi.Output[str]
    """The object type: ``thread.run`` (Assistants API) or ``response`` (Responses API)."""
    status: pulumi.Output[str]
    """queued, in_progress, requires_action, cancelling, cancelled, failed, completed, incomplete
    or expired."""
    created_at: pulumi.Output[int]
    """Unix time the run was created."""
    started_at: pulumi.Output[int | None]
    """Unix time the run started, if it has."""
    completed_at: pulumi.Output[int | None]
    """Unix time the run completed, if it has."""
    usage: pulumi.Output[dict[str, float]]
    """prompt_tokens, completion_tokens and total_tokens (on the Responses API also input_tokens,
    output_tokens); empty until the run ends."""
    steps: pulumi.Output[list[dict[str, Any]]]
    """Every step, oldest first: created_at, details (JSON of step_details), id, object, status,
    type."""
    file_ids: pulumi.Output[list[str]]
    """IDs of the files the run used or produced; sorted, unique."""
    reply: pulumi.Output[str]
    """The text of the messages the run created."""
    message_ids: pulumi.Output[list[str]]
    """The IDs of the messages the run created, oldest first."""
    last_error: pulumi.Output[dict[str, str] | None]
    """The run's last error (code, message), if any."""
    incomplete_details: pulumi.Output[dict[str, str] | None]
    """Why the run is incomplete (reason), if it is."""
    required_action: pulumi.Output[dict[str, Any] | None]
    """What the run was waiting for when it required action, if it did."""

    @overload
    def __init__(self, resource_name: str, args: RunArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        assistant_id: pulumi.Input[str],
        thread_id: pulumi.Input[str],
        api: pulumi.Input[str] | None = None,
        completion_window: pulumi.Input[float] | None = None,
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
        super().__init__(RunProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], thread_id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None, **inputs: Any) -> Run:
        """Adopt an existing run (import or read-only reference): ``id`` is its ``run_...`` id and
        ``thread_id`` its thread (or a ``resp_...`` id and its ``conv_...`` conversation); further
        inputs, if given, are compared with the run on refresh."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return Run(resource_name, merged, thread_id=thread_id, **inputs)


Run.__init__.__doc__ = constructor_doc("Run", RunArgs, RUN_FIELDS)
