"""examples/multi_run end to end: its own project, several runs, two in turn on one conversation (thread), one
with the code interpreter as its own tool, through the real provider server and the fake on each API; and as
the offline `up` command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pulumi_openai_run.testing import FakeOpenAI, ProviderServer, ProviderServerMocks, RunScript, run_program
from pulumi_openai_run.testing.up import main as offline_up
from tests.e2e.stacks import APIS, CREATED_IDS, api_flag, created, stack_config

MULTI_RUN = Path(__file__).resolve().parents[2] / "examples" / "multi_run"
PROJECT = "openai-run-multi-run"


def test_the_project_has_its_own_pulumi_yaml() -> None:
    text = (MULTI_RUN / "Pulumi.yaml").read_text()
    assert f"name: {PROJECT}\n" in text and "runtime:" in text


def _play(api: str) -> tuple[FakeOpenAI, dict[str, str], dict[str, dict[str, Any]], dict[str, Any]]:
    """The example through the provider server on ``api``: the fake, each resource's id and outputs, exports."""
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.05, duration=0.15, code_interpreter_files=1)
        with ProviderServer(stack_config(fake, api), project=PROJECT, env={"OPENAI_API_KEY": ""}) as server:
            mocks = ProviderServerMocks(server)
            exports = dict(run_program(MULTI_RUN, mocks, project=PROJECT))
    assert [r.operation for r in mocks.registrations] == ["create"] * 8
    return (fake, {r.name: r.id for r in mocks.registrations}, {r.name: r.outs for r in mocks.registrations},
            exports)


def _common(exports: dict[str, Any]) -> None:
    assert exports["statuses"] == {"first_answer": "completed", "second_answer": "completed", "chart": "completed"}
    assert set(exports["replies"]) == {"first_answer", "second_answer"} and len(exports["chart_files"]) == 1


def test_multi_run_end_to_end_on_the_responses_api() -> None:
    fake, ids, outs, exports = _play("responses")
    _common(exports)

    # two responses in turn on the conversation: question, answer, follow-up, answer
    first, second = fake.responses_on(ids["conversation"])
    assert (first["id"], second["id"]) == (ids["first-answer"], ids["second-answer"])
    assert second["created_at"] >= first["completed_at"]  # one response at a time, the follow-up in between
    messages = [item for item in fake.conversation_items(ids["conversation"]) if item["type"] == "message"]
    assert [(m["role"], m["id"]) for m in messages] == [
        ("user", ids["first-question"]), ("assistant", *outs["first-answer"]["message_ids"]),
        ("user", ids["follow-up"]), ("assistant", *outs["second-answer"]["message_ids"])]
    # each turn's item is in the conversation before its response is asked for (depends_on)
    on_conversation = [("item" if r.path.endswith("/items") else "response") for r in fake.requests
                       if r.method == "POST" and (r.path == f"/conversations/{ids['conversation']}/items" or (
                           r.path == "/responses" and r.json["conversation"] == ids["conversation"]))]
    assert on_conversation == ["item", "response", "item", "response"]

    # the chart: its own conversation, its question given at creation, the code interpreter on the response
    [chart] = fake.responses_on(ids["numbers"])
    assert chart["id"] == ids["chart"]
    assert chart["tools"] == [{"type": "code_interpreter", "container": {"type": "auto"}}]
    [numbers_question] = [i for i in fake.conversation_items(ids["numbers"]) if i.get("role") == "user"]
    assert numbers_question["content"][0]["text"].startswith("Plot revenue")
    # the agent has no code interpreter (an agent object cannot): every response takes its model and instructions
    [agent] = fake.agents()
    assert agent["id"] == ids["analyst"] and agent["tools"] == []
    assert {(r["model"], r["instructions"]) for r in (first, second, chart)} == {
        (agent["model"], agent["instructions"])}
    assert fake.assistants() == []


def test_multi_run_end_to_end_on_the_assistants_api() -> None:
    fake, ids, _, exports = _play("assistants")
    _common(exports)

    # two runs in turn on the thread: question, answer, follow-up, answer
    first, second = fake.runs_on(ids["conversation"])
    assert (first["id"], second["id"]) == (ids["first-answer"], ids["second-answer"])
    thread = fake.messages_on(ids["conversation"])
    assert [(m["role"], m["run_id"]) for m in thread] == [
        ("user", None), ("assistant", first["id"]), ("user", None), ("assistant", second["id"])]
    assert [m["id"] for m in thread if m["role"] == "user"] == [ids["first-question"], ids["follow-up"]]

    # the chart: its own thread, its question given at creation, the code interpreter on the run (its own tool)
    [chart] = fake.runs_on(ids["numbers"])
    assert chart["id"] == ids["chart"] and chart["tools"] == [{"type": "code_interpreter"}]
    assert fake.assistant(ids["analyst"])["tools"] == []
    assert fake.agents() == []


@pytest.mark.parametrize("api", [None, *APIS])
def test_the_offline_up_command_takes_the_project_dir(api: str | None, capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    assert offline_up([str(MULTI_RUN), "--run-seconds", "0.1", "--state-dir", str(tmp_path), *api_flag(api)]) == 0
    out = capsys.readouterr().out
    assert f"(project {PROJECT})" in out and len(re.findall(r"openai:Run [\w-]+ created", out)) == 3
    ids = CREATED_IDS[api or "responses"]  # no --api: today's OpenAI
    for kind, name in (("Thread", "conversation"), ("Thread", "numbers"), ("Message", "follow-up"),
                       ("Run", "first-answer"), ("Run", "second-answer"), ("Run", "chart")):
        assert ids[kind] in created(tmp_path, kind, name)
    assert out.count('"completed"') == 3
