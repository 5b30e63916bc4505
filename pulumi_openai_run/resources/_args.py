"""What the Assistant, Thread and Message resource classes share: taking their inputs as an ``*Args``
object or as keywords, as Pulumi's generated SDKs do, and turning them into the property bag
``pulumi.dynamic.Resource`` registers (every input and output named; absent ones ``None``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from typing import Any

import pulumi

from pulumi_openai_run.schema import Field, inputs_of, outputs_of


def resource_props(resource: str, args_class: type, table: Iterable[Field], args: tuple[Any, ...],
                   kwargs: dict[str, Any]) -> tuple[dict[str, Any], pulumi.ResourceOptions | None]:
    """The properties and options of ``Resource(name, *args, **kwargs)``: an ``args_class`` instance and/or
    ``ResourceOptions`` positionally (or as ``args=``, ``opts=``), or the inputs as keywords."""
    table = tuple(table)
    given = dict(kwargs)
    args_obj: Any = given.pop("args", None)
    opts: pulumi.ResourceOptions | None = given.pop("opts", None)
    for arg in args:
        if isinstance(arg, args_class):
            args_obj = arg
        elif isinstance(arg, pulumi.ResourceOptions):
            opts = arg
        elif arg is not None:
            raise TypeError(f"{resource}() takes a {args_class.__name__} and/or ResourceOptions positionally, "
                            f"got {arg!r}.")
    if args_obj is not None:
        if given:
            raise TypeError(f"{resource}() takes its inputs either as a {args_class.__name__} or as keywords, "
                            f"not both; move {sorted(given)} into the {args_class.__name__}.")
        assert is_dataclass(args_obj)
        given = {f.name: getattr(args_obj, f.name) for f in fields(args_obj)}
    input_names = [f.name for f in inputs_of(table)]
    unknown = sorted(set(given) - set(input_names))
    if unknown:
        hints = "".join(f" (did you mean {close[0]!r} for {name!r}?)" for name in unknown
                        if (close := difflib.get_close_matches(name, input_names, n=1)))
        raise TypeError(f"{resource}() got unknown inputs {unknown}{hints}; the inputs are: "
                        f"{', '.join(input_names)}.")
    props: dict[str, Any] = {name: given.get(name) for name in input_names}
    props.update({f.name: None for f in outputs_of(table)})
    return props, opts


def constructor_doc(resource: str, args_class: type, table: Iterable[Field]) -> str:
    """The docstring of a resource's ``__init__``, from its field table (``help()`` shows it)."""
    lines = [
        f"Create a {resource}: ``{resource}(resource_name, {args_class.__name__}(...), opts)`` or "
        f"``{resource}(resource_name, opts, **inputs)``.",
        "",
        ":param str resource_name: The unique name of the resource in the stack.",
        ":param pulumi.ResourceOptions opts: Options for the resource (depends_on, protect, ...).",
    ]
    for field in inputs_of(tuple(table)):
        required = "required; " if field.required else ""
        lines.append(f":param {field.name}: ({required}{field.type_name}) {field.description}")
    return "\n".join(lines)
