"""The Assistant, Thread and Message resource classes: inputs as *Args or keywords, typed outputs, get()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_openai_run import Assistant, AssistantArgs, Message, MessageArgs, Run, RunArgs, Thread, ThreadArgs
from pulumi_openai_run.testing import run_program

PROGRAM = '''
import pulumi
from pulumi_openai_run import Assistant, AssistantArgs, Message, MessageArgs, Thread, ThreadArgs

a = Assistant("by-args", AssistantArgs(model="gpt-4o", temperature=0.2))
b = Assistant("by-keywords", model="gpt-4o-mini", opts=pulumi.ResourceOptions(depends_on=[a]))
t = Thread("thread", ThreadArgs(metadata={"k": "v"}))
m = Message("message", MessageArgs(thread_id=t.id, content="Hi"), pulumi.ResourceOptions(depends_on=[b]))
pulumi.export("message_thread", m.thread_id)
pulumi.export("status", m.status)

from pulumi_openai_run import Run, RunArgs
Run("run-by-args", RunArgs(assistant_id=a.id, thread_id=t.id, completion_window=60))
Run("run-by-keywords", assistant_id=b.id, thread_id=t.id, max_tokens=100)
'''


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources[args.name] = args
        return f"{args.name}_id", {**args.inputs, "status": "completed", "object": "x"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return {}, []


def test_args_objects_and_keywords_register_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(PROGRAM)
    mocks = Mocks()
    exports = run_program(tmp_path, mocks, project="objects")
    assert {name: args.typ.rsplit(":", 1)[1] for name, args in mocks.resources.items()} == {
        "by-args": "Assistant", "by-keywords": "Assistant", "thread": "Thread", "message": "Message",
        "run-by-args": "Run", "run-by-keywords": "Run"}
    assert mocks.resources["by-args"].inputs["temperature"] == 0.2
    assert mocks.resources["by-keywords"].inputs["model"] == "gpt-4o-mini"
    assert mocks.resources["thread"].inputs["metadata"] == {"k": "v"}
    assert mocks.resources["message"].inputs["thread_id"] == "thread_id"
    assert mocks.resources["run-by-args"].typ == "pulumi-python:dynamic/openai:Run"
    assert mocks.resources["run-by-args"].inputs["completion_window"] == 60
    assert mocks.resources["run-by-keywords"].inputs["assistant_id"] == "by-keywords_id"
    assert mocks.resources["run-by-keywords"].inputs["max_tokens"] == 100
    assert dict(exports) == {"message_thread": "thread_id", "status": "completed"}


@pytest.mark.parametrize(("cls", "kwargs", "named"), [
    (Assistant, {"model": "gpt-4o", "temprature": 1.0}, "temperature"),
    (Thread, {"message": []}, "messages"),
    (Message, {"thread_id": "thread_1", "content": "Hi", "text": "Hi"}, "content"),
    (Run, {"assistant_id": "asst_1", "thread_id": "thread_1", "window": 60}, "completion_window"),
])
def test_an_unknown_input_is_refused_naming_the_inputs(cls: type, kwargs: dict[str, Any], named: str) -> None:
    with pytest.raises(TypeError, match=f"unknown inputs .* the inputs are: .*{named}"):
        cls("x", **kwargs)


def test_a_stray_positional_argument_is_refused() -> None:
    with pytest.raises(TypeError, match="takes a MessageArgs and/or ResourceOptions"):
        Message("x", ThreadArgs())


def test_every_output_and_input_has_a_docstring_like_run() -> None:
    for cls, args_cls in ((Run, RunArgs), (Assistant, AssistantArgs), (Thread, ThreadArgs), (Message, MessageArgs)):
        for name in cls.__annotations__:
            assert getattr(cls, name).__doc__, f"{cls.__name__}.{name} has no docstring"
        assert set(args_cls.__dataclass_fields__) <= set(cls.__annotations__)


def test_an_args_object_and_keywords_together_are_refused() -> None:
    with pytest.raises(TypeError, match=r"either as a RunArgs or as keywords.*\['temperature'\]"):
        Run("x", RunArgs(assistant_id="asst_1", thread_id="thread_1"), temperature=0.5)


def test_a_typo_gets_a_suggestion() -> None:
    with pytest.raises(TypeError, match="did you mean 'completion_window'"):
        Run("x", assistant_id="asst_1", thread_id="thread_1", completion_windw=60)
