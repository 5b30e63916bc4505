"""examples/quickstart as a program under pulumi.runtime.set_mocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_openai_run.testing import FakeOpenAI, RunScript
from pulumi_openai_run.testing.engine import ProviderServer, Secret
from pulumi_openai_run.testing.mocks import ProviderServerMocks, run_program
from pulumi_openai_run.testing.up import main as offline_up

QUICKSTART = Path(__file__).resolve().parent.parent / "examples" / "quickstart"
PROJECT = "openai-run-quickstart"


class RecordingMocks(pulumi.runtime.Mocks):
    """Plain mocks: answer every registration with its inputs plus a completed status."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        return "run_mocked", {**args.inputs, "status": "completed", "reply": "mocked reply", "usage": {}}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return {}, []


def test_quickstart_registers_one_run_with_the_config_it_was_given() -> None:
    mocks = RecordingMocks()
    exports = run_program(QUICKSTART, mocks, project=PROJECT,
                          config={"assistantId": "asst_q", "threadId": "thread_q", "completionWindow": "120"})
    [run] = mocks.resources
    assert run.typ == "pulumi-python:dynamic/openai:Run" and run.name == "summary"
    assert run.inputs["assistant_id"] == "asst_q" and run.inputs["thread_id"] == "thread_q"
    assert run.inputs["completion_window"] == 120
    assert run.inputs["metadata"] == {"stack": "dev"}
    assert exports["status"] == "completed" and exports["reply"] == "mocked reply"


def test_quickstart_end_to_end_through_the_provider_server() -> None:
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.05, duration=0.2, reply="Quarter was fine.")
        assistant, thread = fake.create_assistant(), fake.create_thread(messages=["How was Q3?"])
        config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url}
        with ProviderServer(config, project=PROJECT, env={"OPENAI_API_KEY": ""}) as server:
            exports = run_program(QUICKSTART, ProviderServerMocks(server), project=PROJECT,
                                  config={"assistantId": assistant["id"], "threadId": thread["id"]})
        [run] = fake.runs_on(thread["id"])
        assert exports["run_id"] == run["id"]
        assert exports["status"] == "completed" and exports["reply"] == "Quarter was fine."
        assert exports["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        assert run["metadata"]["stack"] == "dev"


def test_the_offline_up_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline_up([str(QUICKSTART), "--run-seconds", "0.2"]) == 0
    out = capsys.readouterr().out
    assert '"status": "completed"' in out and "pulumi-python:dynamic/openai:Run summary created" in out
    assert offline_up([str(QUICKSTART), "--run-seconds", "0.2", "--outcome", "failed"]) == 1
    assert "ended failed: server_error: The fake model failed." in capsys.readouterr().err
