"""The ``Assistant`` resource: an OpenAI assistant (Assistants v2) as part of a Pulumi stack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_openai_run._objects.assistant import ASSISTANT_FIELDS, AssistantProvider
from pulumi_openai_run.resources._args import constructor_doc, resource_props
from pulumi_openai_run.schema import check_declares_inputs


@dataclass
class AssistantArgs:
    """The inputs of an :class:`Assistant`. Every field may be a plain value or a ``pulumi.Output``."""

    model: pulumi.Input[str]
    """ID of the model the assistant uses, e.g. ``gpt-4o``."""
    name: pulumi.Input[str] | None = None
    """The assistant's name, at most 256 characters."""
    description: pulumi.Input[str] | None = None
    """What the assistant is for, at most 512 characters."""
    instructions: pulumi.Input[str] | None = None
    """The system instructions the assistant follows."""
    tools: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    """Its tools: API tool objects or flat maps of strings (as for ``Run.tools``)."""
    tool_resources: pulumi.Input[Mapping[str, Any]] | None = None
    """Files for its tools: ``{code_interpreter: {file_ids}, file_search: {vector_store_ids}}``."""
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Up to 16 key/value strings."""
    temperature: pulumi.Input[float] | None = None
    """Sampling temperature, 0 to 2 (default 1)."""
    top_p: pulumi.Input[float] | None = None
    """Nucleus sampling, 0 to 1 (default 1)."""
    response_format: pulumi.Input[str | Mapping[str, Any]] | None = None
    """``"auto"`` (default) or ``{type: text | json_object | json_schema, json_schema: {...}}``."""


check_declares_inputs(AssistantArgs, ASSISTANT_FIELDS)


class Assistant(pulumi.dynamic.Resource, module="openai", name="Assistant"):
    """An OpenAI assistant (Assistants v2): a model with instructions and tools, for runs to use.

    ``assistant.id`` is its id (``asst_...``). Every input is changed in place with the modify-assistant
    call (an input removed from the program is reset to the API's default); ``pulumi destroy`` deletes it.
    """

    model: pulumi.Output[str]
    """The model the assistant uses."""
    name: pulumi.Output[str | None]
    """The assistant's name."""
    description: pulumi.Output[str | None]
    """The assistant's description."""
    instructions: pulumi.Output[str | None]
    """The assistant's instructions."""
    tools: pulumi.Output[list[dict[str, Any]] | None]
    """The tools as given."""
    tool_resources: pulumi.Output[dict[str, Any] | None]
    """The tool resources as given."""
    metadata: pulumi.Output[dict[str, str] | None]
    """The assistant's metadata."""
    temperature: pulumi.Output[float | None]
    """The temperature as given (absent: the API's default, 1)."""
    top_p: pulumi.Output[float | None]
    """The top_p as given (absent: the API's default, 1)."""
    response_format: pulumi.Output[str | dict[str, Any] | None]
    """The response format as given (absent: ``auto``)."""

    object: pulumi.Output[str]
    """The object type, always ``assistant``."""
    created_at: pulumi.Output[int]
    """Unix time the assistant was created."""

    @overload
    def __init__(self, resource_name: str, args: AssistantArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        model: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        instructions: pulumi.Input[str] | None = None,
        tools: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None,
        tool_resources: pulumi.Input[Mapping[str, Any]] | None = None,
        metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        temperature: pulumi.Input[float] | None = None,
        top_p: pulumi.Input[float] | None = None,
        response_format: pulumi.Input[str | Mapping[str, Any]] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        props, opts = resource_props("Assistant", AssistantArgs, ASSISTANT_FIELDS, args, kwargs)
        super().__init__(AssistantProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None,
            **inputs: Any) -> Assistant:
        """Adopt an existing assistant (import or read-only reference) by its ``asst_...`` id; its inputs
        are read from the API."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return Assistant(resource_name, merged, **inputs)


Assistant.__init__.__doc__ = constructor_doc("Assistant", AssistantArgs, ASSISTANT_FIELDS)
