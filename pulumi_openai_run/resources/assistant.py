"""The ``Assistant`` resource: an OpenAI agent object (on the Responses API) or assistant (Assistants v2) as
part of a Pulumi stack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import pulumi
import pulumi.dynamic

from pulumi_openai_run._objects.assistant import ASSISTANT_FIELDS, AssistantProvider
from pulumi_openai_run.resources._args import describe, resource_props


@dataclass
class AssistantArgs:
    """The inputs of an :class:`Assistant`. Every field may be a plain value or a ``pulumi.Output``."""

    model: pulumi.Input[str]
    name: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    instructions: pulumi.Input[str] | None = None
    tools: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    tool_resources: pulumi.Input[Mapping[str, Any]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    temperature: pulumi.Input[float] | None = None
    top_p: pulumi.Input[float] | None = None
    response_format: pulumi.Input[str | Mapping[str, Any]] | None = None
    reasoning: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    text: pulumi.Input[Mapping[str, Any]] | None = None
    api: pulumi.Input[str] | None = None


class Assistant(pulumi.dynamic.Resource, module="openai", name="Assistant"):
    """An OpenAI agent object (Responses API, ``/agents``) or assistant (Assistants v2): a model with
    instructions and tools, for runs to use.

    ``assistant.id`` is its id (an agent's has no fixed prefix; an assistant's is ``asst_...``). Every input
    is changed in place with the API's modify call (an input removed from the program is reset to the API's
    default); ``pulumi destroy`` deletes it.
    """

    model: pulumi.Output[str]
    name: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    instructions: pulumi.Output[str | None]
    tools: pulumi.Output[list[dict[str, Any]] | None]
    tool_resources: pulumi.Output[dict[str, Any] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    temperature: pulumi.Output[float | None]
    top_p: pulumi.Output[float | None]
    # 'auto' (str) or a format (dict): Pulumi's output translation raises on a union of a string and a dict,
    # so it is typed Any
    response_format: pulumi.Output[Any]
    reasoning: pulumi.Output[dict[str, str] | None]
    text: pulumi.Output[dict[str, Any] | None]
    api: pulumi.Output[str | None]

    object: pulumi.Output[str]
    created_at: pulumi.Output[int]

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
        reasoning: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        text: pulumi.Input[Mapping[str, Any]] | None = None,
        api: pulumi.Input[str] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        props, opts = resource_props("Assistant", AssistantArgs, ASSISTANT_FIELDS, args, kwargs)
        super().__init__(AssistantProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None,
            **inputs: Any) -> Assistant:
        """Adopt an existing agent or assistant (import or read-only reference) by its id (``asst_...`` is an
        assistant; an agent's id names no API, so give ``api='responses'`` unless stack config
        ``openai:api`` is ``responses``); its inputs are read from the API."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return Assistant(resource_name, merged, **inputs)


describe(Assistant, AssistantArgs, ASSISTANT_FIELDS)
