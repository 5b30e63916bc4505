"""examples/multi_run end to end: its own project, several runs, two in turn on one thread, one with the
code interpreter, through the real provider server and the fake; and as the offline `up` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_openai_run.testing import FakeOpenAI, ProviderServer, ProviderServerMocks, RunScript, Secret, run_program
from pulumi_openai_run.testing.up import main as offline_up

MULTI_RUN = Path(__file__).resolve().parents[2] / "examples" / "multi_run"
PROJECT = "openai-run-multi-run"


def test_the_project_has_its_own_pulumi_yaml() -> None:
    text = (MULTI_RUN / "Pulumi.yaml").read_text()
    assert f"name: {PROJECT}\n" in text and "runtime:" in text


def test_multi_run_end_to_end_through_the_provider_server() -> None:
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.05, duration=0.15, code_interpreter_files=1)
        config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url}
        with ProviderServer(config, project=PROJECT, env={"OPENAI_API_KEY": ""}) as server:
            mocks = ProviderServerMocks(server)
            exports = run_program(MULTI_RUN, mocks, project=PROJECT)

        ids = {r.name: r.id for r in mocks.registrations}
        assert exports["statuses"] == {"first_answer": "completed", "second_answer": "completed",
                                       "chart": "completed"}
        assert set(exports["replies"]) == {"first_answer", "second_answer"} and len(exports["chart_files"]) == 1

        # two runs in turn on the conversation: question, answer, follow-up, answer
        first, second = fake.runs_on(ids["conversation"])
        assert (first["id"], second["id"]) == (ids["first-answer"], ids["second-answer"])
        thread = fake.messages_on(ids["conversation"])
        assert [(m["role"], m["run_id"]) for m in thread] == [
            ("user", None), ("assistant", first["id"]), ("user", None), ("assistant", second["id"])]
        assert [m["id"] for m in thread if m["role"] == "user"] == [ids["first-question"], ids["follow-up"]]

        # the chart: its own thread, its question given at creation, the code interpreter on the run
        [chart] = fake.runs_on(ids["numbers"])
        assert chart["id"] == ids["chart"] and chart["tools"] == [{"type": "code_interpreter"}]
        assert fake.assistant(ids["analyst"])["tools"] == [{"type": "code_interpreter"}]


def test_the_offline_up_command_takes_the_project_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline_up([str(MULTI_RUN), "--run-seconds", "0.1"]) == 0
    out = capsys.readouterr().out
    assert f"(project {PROJECT})" in out and out.count("openai:Run ") == 3
