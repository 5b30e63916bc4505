"""One table of fields per resource, and the generic check/diff that derive from it.

Each :class:`Field` declares once what the terraform-plugin-framework would spread over a schema,
plan modifiers and validators: is it an input or an output, what happens when it changes (replace
the resource, update it in place, or nothing on the server), how it is validated, what it means.
``check``, ``diff``, the resources' docstrings and the README's tables all read these tables.

Everything here is pure: no I/O, no ``openai`` import.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pulumi.output import Unknown

from pulumi_openai_run.schema.validators import MAX_QUOTED, json_problem, quoted_name, shown

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""What the engine sends for a value that is not known yet (during ``pulumi preview``); the
dynamic-provider server hands it to check and diff as a ``pulumi.output.Unknown`` instance."""


OnChange = Literal["replace", "update", "local"]
"""``replace``: a new resource; ``update``: an API call in place; ``local``: state only, no API call."""


def on_change_words(noun: str) -> dict[str, str]:
    """What a change of an input does, in the words of the docs; a replacing change makes a new ``noun``."""
    return {"replace": f"new {noun}", "update": "in place", "local": "state only"}


Validator = Callable[[Any], "str | None"]
"""Returns ``None`` when the value is fine, else the problem and what is allowed."""


Normalizer = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    name: str
    description: str
    output: bool = False
    required: bool = False
    on_change: OnChange = "replace"
    type_name: str = "String"
    validate: Validator | None = None
    normalize: Normalizer | None = None
    """Maps a value to the form compared by ``diff`` (so ``300`` and ``300.0`` are equal)."""
    default: Any = None
    """What the API holds when the input is absent (``None``: null). ``diff`` sees an absent input and this
    value as equal, and an in-place update that drops the input sends it."""


MAX_REASON = 1_000
"""The longest a check failure's reason may be: a last guard, since every validator already quotes values
through ``shown`` (at most ~80 characters of each)."""
MAX_PROPERTY = 200
"""The longest a failure's property may be (an unknown input's name is the user's)."""


@dataclass(frozen=True)
class Failure:
    property: str
    reason: str

    def __post_init__(self) -> None:
        if len(self.property) > MAX_PROPERTY:
            object.__setattr__(self, "property", quoted_name(self.property))
        if len(self.reason) > MAX_REASON:
            object.__setattr__(self, "reason", f"{self.reason[:MAX_REASON]}… (cut from {len(self.reason):,} "
                                               "characters)")


@dataclass(frozen=True)
class Diff:
    changed: list[str]
    replaces: list[str]

    @property
    def has_changes(self) -> bool:
        return bool(self.changed)


def is_unknown(value: Any) -> bool:
    """True for a value (or a value nested in it) the engine does not know yet. Walks the value without
    recursion, so hostile nesting cannot exhaust the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown) or (isinstance(item, str) and item == UNKNOWN):
            return True
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def inputs_of(fields: Iterable[Field]) -> list[Field]:
    return [f for f in fields if not f.output]


def outputs_of(fields: Iterable[Field]) -> list[Field]:
    return [f for f in fields if f.output]


def check(fields: Iterable[Field], news: Mapping[str, Any], ignore: Iterable[str] = ()) -> list[Failure]:
    """Every problem with ``news``, one :class:`Failure` per bad field. Unknown values pass."""
    inputs = inputs_of(fields)
    by_name = {f.name: f for f in inputs}
    ignored = set(ignore)
    failures: list[Failure] = []
    for key in sorted(news):
        if key in ignored or key in by_name:
            continue
        if key in {f.name for f in fields}:
            failures.append(Failure(key, f"'{key}' is an output and cannot be set."))
        else:
            allowed = ", ".join(sorted(by_name))
            close = difflib.get_close_matches(key, list(by_name), n=1) if len(key) <= MAX_QUOTED else []
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            failures.append(Failure(key, f"unknown input {shown(key)}{hint}; the inputs are: {allowed}."))
    for field in inputs:
        value = news.get(field.name)
        if value is None:
            if field.required:
                failures.append(Failure(field.name, f"'{field.name}' is required: {field.description}"))
            continue
        if is_unknown(value):
            continue
        # a map or list may hide what no API takes (NaN, nesting without end); a scalar is the validator's
        problem = json_problem(value, field.name) if isinstance(value, Mapping | list | tuple) else None
        if problem:
            failures.append(Failure(field.name, f"'{field.name}' is not plain JSON: {problem}"))
            continue
        problem = field.validate(value) if field.validate is not None else None
        if problem:
            failures.append(Failure(field.name, f"'{field.name}' {problem}"))
    return failures


def diff(fields: Iterable[Field], olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """Compare the inputs in ``olds`` (prior state) with ``news``; outputs in ``olds`` are ignored.

    An unknown new value counts as a change, since it may well be one.
    """
    changed: list[str] = []
    replaces: list[str] = []
    for field in inputs_of(fields):
        old, new = olds.get(field.name), news.get(field.name)
        if not is_unknown(new) and equivalent(field, old, new):
            continue
        changed.append(field.name)
        if field.on_change == "replace":
            replaces.append(field.name)
    return Diff(changed, replaces)


def equivalent(field: Field, old: Any, new: Any) -> bool:
    """Whether two values of ``field`` mean the same to the API (absent counts as the field's default)."""
    return bool(comparable(field, old) == comparable(field, new))


def comparable(field: Field, value: Any) -> Any:
    """``value`` in the form ``diff`` compares: absent is the field's default, then normalized (so ``300`` and
    ``300.0``, or two spellings of a tool, are one value)."""
    if value is None:
        value = field.default
    if value is None:
        return None
    if field.normalize is not None:
        try:
            return field.normalize(value)
        except (TypeError, ValueError):
            return value
    return value


def refreshed_inputs(fields: Iterable[Field], inputs: Mapping[str, Any],
                     server_values: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` as the server has them (for refresh and import), from ``server_values`` (the inputs' values
    the API object holds): a value the server holds differently replaces the given one, so drift shows as
    a diff on the next ``pulumi up``; an equivalent one keeps the user's spelling; a server default means
    absent; ids an import was not given are filled in."""
    by_name = {f.name: f for f in fields}
    result = dict(inputs)
    for name, value in server_values.items():
        field = by_name[name]
        if equivalent(field, inputs.get(name), value):
            continue
        if equivalent(field, None, value):
            result.pop(name, None)
        else:
            result[name] = value
    return result


def echo_inputs(fields: Iterable[Field], props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as the user gave them, to be kept in state beside the outputs."""
    return {f.name: props[f.name] for f in inputs_of(fields) if props.get(f.name) is not None}


def check_declares_inputs(declared_by: type, fields: Iterable[Field]) -> None:
    """Fail at import when a typed view of a resource's inputs (an ``*Args`` dataclass or an ``*Inputs``
    TypedDict) and its field table name different inputs."""
    declared = sorted(getattr(declared_by, "__dataclass_fields__", None) or declared_by.__annotations__)
    expected = sorted(f.name for f in inputs_of(fields))
    if declared != expected:
        raise AssertionError(f"{declared_by.__name__} declares {declared}, its field table {expected}")
