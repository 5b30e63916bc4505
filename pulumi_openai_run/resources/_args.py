"""What the Run, Assistant, Thread and Message resource classes share: taking their inputs as an ``*Args``
object or as keywords, as Pulumi's generated SDKs do, and turning them into the property bag
``pulumi.dynamic.Resource`` registers (every input and output named; absent ones ``None``); and their
docstrings, written from the field table (:func:`describe`)."""

from __future__ import annotations

import difflib
import inspect
import textwrap
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from typing import Any

import pulumi

from pulumi_openai_run.schema import Field, check_declares_inputs, inputs_of, on_change_words, outputs_of


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


def describe(resource_class: type, args_class: type, table: Iterable[Field]) -> None:
    """Make ``table`` the one source of a resource's docs, and fail at import when the classes and the table
    name different fields.

    The ``*Args`` fields must be the table's inputs, and the class's ``pulumi.Output`` annotations its inputs
    and outputs. Each annotated attribute becomes a read-only property whose docstring is the field's
    description (``help(Run.status)``), reading the ``Output`` Pulumi puts in the instance's ``__dict__``.
    The class's, the ``*Args``' and ``__init__``'s docstrings list the fields from the table.
    """
    table = tuple(table)
    check_declares_inputs(args_class, table)
    declared = sorted(inspect.get_annotations(resource_class))
    expected = sorted(f.name for f in table)
    if declared != expected:
        raise AssertionError(f"{resource_class.__name__} annotates {declared}, its field table {expected}")
    resource = resource_class.__name__
    for field in table:
        setattr(resource_class, field.name, _output_property(field))
    inputs = _section("Inputs", (_input_entry(f, resource.lower()) for f in inputs_of(table)))
    outputs = _section("Outputs (besides ``id``, ``urn`` and each input under its own name)",
                       (f"``{f.name}`` ({f.type_name}): {f.description}" for f in outputs_of(table)))
    resource_class.__doc__ = f"{inspect.cleandoc(resource_class.__doc__ or '')}\n\n{inputs}\n\n{outputs}"
    args_class.__doc__ = f"{inspect.cleandoc(args_class.__doc__ or '')}\n\n{inputs}"
    vars(resource_class)["__init__"].__doc__ = _constructor_doc(resource, args_class, table)


def _output_property(field: Field) -> property:
    name = field.name

    def get(self: Any) -> Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None

    get.__name__ = name
    get.__doc__ = field.description
    return property(get, doc=field.description)


def _input_entry(field: Field, noun: str) -> str:
    required = "required, " if field.required else ""
    change = on_change_words(noun)[field.on_change]
    return f"``{field.name}`` ({field.type_name}, {required}on change: {change}): {field.description}"


def _section(title: str, entries: Iterable[str]) -> str:
    items = (textwrap.fill(entry, width=100, initial_indent="* ", subsequent_indent="  ") for entry in entries)
    return f"{title}:\n\n" + "\n".join(items)


def _constructor_doc(resource: str, args_class: type, table: tuple[Field, ...]) -> str:
    """The docstring of a resource's ``__init__``, from its field table."""
    lines = [
        f"Create a {resource}: ``{resource}(resource_name, {args_class.__name__}(...), opts)`` or "
        f"``{resource}(resource_name, opts, **inputs)``.",
        "",
        ":param str resource_name: The unique name of the resource in the stack.",
        ":param pulumi.ResourceOptions opts: Options for the resource (depends_on, protect, ...).",
    ]
    for field in inputs_of(table):
        required = "required; " if field.required else ""
        lines.append(f":param {field.name}: ({required}{field.type_name}) {field.description}")
    return "\n".join(lines)
