"""The resource classes' docs come from their field tables: ``help(Run)`` shows every input and output with
its description, ``help(Run.status)`` shows the status's, and the classes name exactly the tables' fields."""

from __future__ import annotations

import inspect
import pydoc
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic
import pytest

from pulumi_openai_run import Assistant, AssistantArgs, Message, MessageArgs, Run, RunArgs, Thread, ThreadArgs
from pulumi_openai_run.docs import TABLES
from pulumi_openai_run.resources._args import describe
from pulumi_openai_run.schema import Field, inputs_of, outputs_of
from pulumi_openai_run.testing import run_program

RESOURCES: dict[str, tuple[type, type]] = {
    "run": (Run, RunArgs),
    "assistant": (Assistant, AssistantArgs),
    "thread": (Thread, ThreadArgs),
    "message": (Message, MessageArgs),
}

EVERY_FIELD = [(name, field) for name in RESOURCES for field in TABLES[name]]


def flat(text: str) -> str:
    """``text`` with every run of whitespace made one space (docstrings wrap long descriptions)."""
    return " ".join(text.split())


def test_every_resource_has_a_table() -> None:
    assert set(RESOURCES) == set(TABLES)


@pytest.mark.parametrize("name", RESOURCES)
def test_args_fields_and_output_annotations_are_the_tables_fields(name: str) -> None:
    resource_class, args_class = RESOURCES[name]
    table = TABLES[name]
    assert [f.name for f in fields(args_class)] == [f.name for f in inputs_of(table)]
    assert list(inspect.get_annotations(resource_class)) == [f.name for f in table]


@pytest.mark.parametrize("name", RESOURCES)
def test_help_on_the_class_shows_every_input_and_output_with_its_description(name: str) -> None:
    resource_class, _ = RESOURCES[name]
    text = pydoc.render_doc(resource_class, renderer=pydoc.plaintext)
    for field in TABLES[name]:
        assert f"\n |  {field.name}\n |      {field.description}\n" in text, field.name


@pytest.mark.parametrize("name", RESOURCES)
def test_class_docstring_lists_the_inputs_then_the_outputs(name: str) -> None:
    resource_class, _ = RESOURCES[name]
    doc = inspect.getdoc(resource_class) or ""
    assert doc.index("Inputs:") < doc.index("Outputs")
    inputs, outputs = doc.split("Inputs:", 1)[1].split("Outputs", 1)
    noun = {"replace": f"new {name}", "update": "in place", "local": "state only"}
    for field in inputs_of(TABLES[name]):
        required = "required, " if field.required else ""
        entry = f"* ``{field.name}`` ({field.type_name}, {required}on change: {noun[field.on_change]}): "
        assert flat(entry + field.description) in flat(inputs)
    for field in outputs_of(TABLES[name]):
        assert flat(f"* ``{field.name}`` ({field.type_name}): {field.description}") in flat(outputs)


@pytest.mark.parametrize("name", RESOURCES)
def test_args_docstring_and_constructor_docstring_list_every_input(name: str) -> None:
    resource_class, args_class = RESOURCES[name]
    args_doc = flat(inspect.getdoc(args_class) or "")
    init_doc = inspect.getdoc(resource_class.__init__) or ""
    for field in inputs_of(TABLES[name]):
        assert f"``{field.name}``" in args_doc and flat(field.description) in args_doc
        assert f":param {field.name}: " in init_doc and field.description in init_doc


@pytest.mark.parametrize(("name", "field"), EVERY_FIELD, ids=[f"{n}.{f.name}" for n, f in EVERY_FIELD])
def test_help_on_an_attribute_shows_its_description(name: str, field: Field) -> None:
    resource_class, _ = RESOURCES[name]
    attribute = getattr(resource_class, field.name)
    assert attribute.__doc__ == field.description
    assert field.description in pydoc.render_doc(attribute, renderer=pydoc.plaintext)


def test_help_on_run_status_names_both_apis_statuses() -> None:
    text = flat(pydoc.render_doc(Run.status, renderer=pydoc.plaintext))
    assert "requires_action" in text and "expired" in text
    assert "a response: queued, in_progress, completed, failed, cancelled or incomplete" in text


def test_run_metadata_docs_say_a_response_is_replaced() -> None:
    for doc in (Run.metadata.__doc__ or "", inspect.getdoc(RunArgs) or "", inspect.getdoc(Run) or ""):
        assert "on the Responses API a response is immutable, so a change makes a new one" in flat(doc)


def test_an_attribute_missing_from_the_instance_is_an_attribute_error() -> None:
    run = Run.__new__(Run)
    with pytest.raises(AttributeError, match="'Run' object has no attribute 'status'"):
        run.status  # noqa: B018


def test_describe_refuses_a_class_that_annotates_a_field_the_table_lacks() -> None:
    table = (Field("label", "A label."), Field("size", "How big.", output=True))

    @dataclass
    class ToyArgs:
        label: str | None = None

    class Toy(pulumi.dynamic.Resource):
        label: pulumi.Output[str]
        colour: pulumi.Output[str]

    with pytest.raises(AssertionError, match=r"Toy annotates \['colour', 'label'\], its field table "
                                             r"\['label', 'size'\]"):
        describe(Toy, ToyArgs, table)


PROGRAM = '''
import pulumi
from pulumi_openai_run import Assistant, Message, Run, Thread
from pulumi_openai_run.docs import TABLES

resources = {
    "assistant": Assistant("assistant", model="gpt-4o"),
    "thread": Thread("thread"),
    "message": Message("message", thread_id="thread_1", content="Hi"),
    "run": Run("run", assistant_id="asst_1", thread_id="thread_1"),
}
for noun, resource in resources.items():
    for field in TABLES[noun]:
        value = getattr(resource, field.name)
        assert isinstance(value, pulumi.Output), (noun, field.name, value)
        pulumi.export(f"{noun}.{field.name}", value)
'''


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}_id", {**args.inputs, "object": f"{args.name}-object"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return {}, []


def test_every_attribute_of_a_resource_is_its_output(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(PROGRAM)
    exports = run_program(tmp_path, Mocks(), project="docs")
    assert exports["assistant.model"] == "gpt-4o"
    assert exports["message.content"] == "Hi"
    assert exports["run.assistant_id"] == "asst_1"
    assert {exports[f"{noun}.object"] for noun in RESOURCES} == {f"{noun}-object" for noun in RESOURCES}
