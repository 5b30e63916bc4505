"""examples/quickstart as a program under pulumi.runtime.set_mocks: assistant -> thread -> message -> run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_openai_run.testing import (
    UNKNOWN,
    ExportCapturingMonitor,
    FakeOpenAI,
    ProviderServer,
    ProviderServerMocks,
    ResourceFailedError,
    RunScript,
    Secret,
    run_program,
)
from pulumi_openai_run.testing.up import main as offline_up

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"
PROJECT = "openai-run-quickstart"


TYPE = "pulumi-python:dynamic/openai:"
IDS = {"Assistant": "asst_q", "Thread": "thread_q", "Message": "msg_q", "Run": "run_q"}


class RecordingMocks(pulumi.runtime.Mocks):
    """Plain mocks: answer every registration with an id, its inputs and, for a run, a completed status."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        kind = args.typ.removeprefix(TYPE)
        outputs = {"status": "completed", "reply": "mocked reply", "usage": {}} if kind == "Run" else {}
        return IDS[kind], {**args.inputs, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return {}, []


@pytest.fixture
def dependencies(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Each registered resource's name -> the names of the resources it depends on (as the engine sees it)."""
    seen: dict[str, set[str]] = {}
    register = ExportCapturingMonitor.RegisterResource

    def recording(self: ExportCapturingMonitor, request: Any) -> Any:
        seen[request.name] = {dependency.rsplit("::", 1)[1] for dependency in request.dependencies}
        return register(self, request)

    monkeypatch.setattr(ExportCapturingMonitor, "RegisterResource", recording)
    return seen


def test_quickstart_registers_the_whole_chain_in_order(dependencies: dict[str, set[str]]) -> None:
    mocks = RecordingMocks()
    exports = run_program(QUICKSTART, mocks, project=PROJECT,
                          config={"model": "gpt-4.1", "question": "How was Q3?", "completionWindow": "120"})
    by_type = {args.typ.removeprefix(TYPE): args for args in mocks.resources}
    assert sorted(by_type) == ["Assistant", "Message", "Run", "Thread"]
    assistant, thread, message, run = (by_type[k] for k in ("Assistant", "Thread", "Message", "Run"))
    assert (assistant.name, thread.name, message.name, run.name) == ("helper", "conversation", "question", "summary")
    assert assistant.inputs["model"] == "gpt-4.1" and assistant.inputs["instructions"]
    assert thread.inputs["metadata"] == {"stack": "dev"}
    assert message.inputs["thread_id"] == "thread_q" and message.inputs["content"] == "How was Q3?"
    assert run.inputs["assistant_id"] == "asst_q" and run.inputs["thread_id"] == "thread_q"
    assert run.inputs["completion_window"] == 120 and run.inputs["metadata"] == {"stack": "dev"}
    # the run waits for the message (depends_on), besides the assistant and thread it takes ids from
    assert dependencies["summary"] == {"helper", "conversation", "question"}
    assert dependencies["question"] == {"conversation"}
    assert [args.name for args in mocks.resources].index("summary") == 3
    assert exports["run_id"] == "run_q"
    assert exports["status"] == "completed" and exports["reply"] == "mocked reply"


def test_quickstart_defaults_need_no_config() -> None:
    mocks = RecordingMocks()
    run_program(QUICKSTART, mocks, project=PROJECT)
    by_type = {args.typ.removeprefix(TYPE): args for args in mocks.resources}
    assert by_type["Assistant"].inputs["model"] == "gpt-6-astra"
    assert by_type["Run"].inputs["completion_window"] == 300
    assert by_type["Message"].inputs["content"]


def test_quickstart_end_to_end_through_the_provider_server() -> None:
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.05, duration=0.2, reply="Quarter was fine.")
        config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url}
        with ProviderServer(config, project=PROJECT, env={"OPENAI_API_KEY": ""}) as server:
            mocks = ProviderServerMocks(server)
            exports = run_program(QUICKSTART, mocks, project=PROJECT, config={"question": "How was Q3?"})
        assert [r.operation for r in mocks.registrations] == ["create"] * 4
        [assistant] = fake.assistants()
        [thread_id] = {r.id for r in mocks.registrations if r.type.endswith(":Thread")}
        [question] = fake.messages_on(thread_id)[:1]
        [run] = fake.runs_on(thread_id)
        assert run["assistant_id"] == assistant["id"] and assistant["model"] == "gpt-6-astra"
        assert question["content"][0]["text"]["value"] == "How was Q3?"
        assert question["created_at"] <= run["created_at"]
        assert exports["run_id"] == run["id"]
        assert exports["status"] == "completed" and exports["reply"] == "Quarter was fine."
        assert exports["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        assert run["metadata"]["stack"] == "dev"


def test_quickstart_preview_checks_all_four_without_a_request() -> None:
    with FakeOpenAI(clock="real") as fake:
        config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url}
        with ProviderServer(config, project=PROJECT, env={"OPENAI_API_KEY": ""}) as server:
            mocks = ProviderServerMocks(server)
            exports = run_program(QUICKSTART, mocks, project=PROJECT, preview=True)
        assert sorted(r.name for r in mocks.registrations if r.operation == "preview") == [
            "conversation", "helper", "question", "summary"]
        assert exports["status"] == UNKNOWN  # known only once the run has run
        assert fake.requests == []


def test_the_offline_up_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline_up([str(QUICKSTART), "--run-seconds", "0.2"]) == 0
    out = capsys.readouterr().out
    assert '"status": "completed"' in out and "pulumi-python:dynamic/openai:Run summary created" in out
    for created in ("Assistant helper", "Thread conversation", "Message question"):
        assert f"pulumi-python:dynamic/openai:{created} created" in out
    assert offline_up([str(QUICKSTART), "--run-seconds", "0.2", "--outcome", "failed"]) == 1
    err = capsys.readouterr().err
    assert "error: pulumi-python:dynamic/openai:Run summary: Run run_" in err  # names the resource
    assert "ended failed: server_error: The fake model failed." in err
    assert "Traceback" not in err


def test_the_offline_up_runs_the_program_the_root_pulumi_yaml_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline_up([str(QUICKSTART.parent.parent), "--run-seconds", "0.1", "--config", "completionWindow=0"]) == 0
    out = capsys.readouterr().out
    assert f"program {QUICKSTART.parent.parent / 'examples' / 'quickstart'} (project {PROJECT})" in out
    assert '"status": "queued"' in out  # completionWindow=0: created, not awaited


def test_the_offline_up_refuses_malformed_config() -> None:
    with pytest.raises(SystemExit):
        offline_up(["--config", "question"])


def test_getting_a_run_that_does_not_exist_fails_naming_it(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(
        "from pulumi_openai_run import Run\n"
        "Run.get('old', 'run_missing', thread_id=THREAD)\n".replace("THREAD", "__import__('os').environ['T']")
    )
    with FakeOpenAI(clock="real") as fake:
        thread = fake.create_thread()["id"]
        config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url}
        with ProviderServer(config, env={"OPENAI_API_KEY": ""}) as server, \
                pytest.MonkeyPatch.context() as patch:
            patch.setenv("T", thread)
            with pytest.raises(ResourceFailedError, match="openai:Run old: resource 'run_missing' does not exist"):
                run_program(tmp_path, ProviderServerMocks(server))
