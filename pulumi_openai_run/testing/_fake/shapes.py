"""The fake's JSON, held to openai-python's own types, so its shapes cannot drift from the SDK's.

Every object the fake answers (and every stream event it sends) goes through :func:`conform`: it is parsed
with the SDK's model for its ``object`` (or ``type``), and must come back from the model's JSON dump
unchanged: no field the SDK does not know, none of the wrong type, none missing that the SDK requires.
A mismatch is a bug in the fake (:class:`ShapeError`; the fake answers 500 saying why).

``openai`` (and ``pydantic``) are imported with the first reply, not with the package.
"""

from __future__ import annotations

import functools
import importlib
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pydantic

# "module:Name" of the SDK's type for each ``object`` value the fake sends
_BY_OBJECT = {
    "agent": "openai.types.beta:Agent",
    "agent.deleted": "openai.types.beta:AgentDeleted",
    "assistant": "openai.types.beta:Assistant",
    "assistant.deleted": "openai.types.beta:AssistantDeleted",
    "thread": "openai.types.beta:Thread",
    "thread.deleted": "openai.types.beta:ThreadDeleted",
    "thread.message": "openai.types.beta.threads:Message",
    "thread.message.deleted": "openai.types.beta.threads:MessageDeleted",
    "thread.message.delta": "openai.types.beta.threads:MessageDeltaEvent",
    "thread.run": "openai.types.beta.threads:Run",
    "thread.run.step": "openai.types.beta.threads.runs:RunStep",
    "thread.run.step.delta": "openai.types.beta.threads.runs:RunStepDeltaEvent",
    "response": "openai.types.responses:Response",
    "conversation": "openai.types.conversations:Conversation",
    "conversation.deleted": "openai.types.conversations:ConversationDeletedResource",
}
_RESPONSE_EVENT = "openai.types.responses:ResponseStreamEvent"
_CONVERSATION_ITEM = "openai.types.conversations:ConversationItem"


_UNDECLARED = {
    "openai.types.beta.assistant.Assistant": {"reasoning_effort"},
    "openai.types.beta.threads.run.Run": {"reasoning_effort", "expired_at"},
    "openai.types.responses.response.Response": {"store"},
}
"""Fields the service sends that openai-python's models do not (yet) declare: the fake sends them too."""


class ShapeError(ValueError):
    """The fake built JSON that openai-python's type for it does not read back unchanged."""


@functools.cache
def _sdk_type(spec: str) -> Any:
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


@functools.cache
def _adapter(type_: Any) -> pydantic.TypeAdapter[Any]:
    import pydantic

    return pydantic.TypeAdapter(type_)


def _member(type_: Any, data: Any) -> Any:
    """The member of a discriminated SDK union that ``data`` names (openai marks the discriminator with
    ``PropertyInfo(discriminator=...)``, which pydantic does not read), or ``type_`` itself."""
    if typing.get_origin(type_) is not typing.Annotated or not isinstance(data, Mapping):
        return type_
    union, *metadata = typing.get_args(type_)
    key = next((m.discriminator for m in metadata if getattr(m, "discriminator", None)), None)
    for member in typing.get_args(union) if key else ():
        field = getattr(member, "model_fields", {}).get(key)
        if field is not None and data.get(key) in typing.get_args(field.annotation):
            return member
    return type_


def _spec(data: Mapping[str, Any]) -> str | None:
    kind = data.get("object")
    if kind == "response" and data.get("deleted"):
        return None  # the SDK has no type for a deleted response (responses.delete returns None)
    if isinstance(kind, str):
        return _BY_OBJECT.get(kind)
    kind = data.get("type")
    if isinstance(kind, str) and kind.startswith("response."):
        return _RESPONSE_EVENT
    return None


def _unknown_fields(value: Any, path: str) -> list[str]:
    """Where a parsed value holds fields its SDK type does not declare (openai's models keep extras)."""
    import pydantic

    if isinstance(value, pydantic.BaseModel):
        allowed = _UNDECLARED.get(f"{type(value).__module__}.{type(value).__qualname__}", set())
        found = [f"{path}.{name}" for name in value.model_extra or {} if name not in allowed]
        for name in value.model_fields_set:
            found.extend(_unknown_fields(getattr(value, name), f"{path}.{name}"))
        return found
    if isinstance(value, (list, tuple)):
        return [where for index, item in enumerate(value) for where in _unknown_fields(item, f"{path}[{index}]")]
    if isinstance(value, dict):
        return [where for key, item in value.items() for where in _unknown_fields(item, f"{path}.{key}")]
    return []


def _check(spec: str, data: Any, path: str) -> None:
    import pydantic

    adapter = _adapter(_member(_sdk_type(spec), data))
    try:
        parsed = adapter.validate_python(data)
    except pydantic.ValidationError as error:
        raise ShapeError(f"{path} is not a {spec}: {error}") from None
    unknown = _unknown_fields(parsed, path)
    if unknown:
        raise ShapeError(f"{spec} does not declare {', '.join(unknown)}")
    dumped = adapter.dump_python(parsed, mode="json", exclude_unset=True, by_alias=True)
    if dumped != data:
        raise ShapeError(f"{path} changes when read as a {spec}: {data!r} -> {dumped!r}")


RESPONSE_TOOL = "openai.types.responses:Tool"


def check_as(spec: str, data: Any, path: str) -> None:
    """Raise :class:`ShapeError` unless ``data`` reads back unchanged as the SDK type ``spec``
    (``"module:Name"``); for request parts the fake echoes as they are, e.g. a response's tools."""
    _check(spec, data, path)


def conform(data: Any, path: str = "body") -> Any:
    """``data`` unchanged, once checked against the SDK's type for it (objects, lists of them, stream events).

    JSON the SDK has no type for (an error body, a deleted response) passes as it is.
    """
    if not isinstance(data, Mapping):
        return data
    if data.get("object") == "list":
        for index, item in enumerate(data.get("data") or ()):
            spec = _spec(item) or (_CONVERSATION_ITEM if "type" in item else None)
            if spec is not None:
                _check(spec, item, f"{path}.data[{index}]")
        return data
    spec = _spec(data)
    if spec is not None:
        _check(spec, data, path)
    return data
