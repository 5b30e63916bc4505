"""examples/ask end to end: a question asked in the Run's own input, with no Message and no depends_on, through
the real provider server and the fake on each API; and as the offline `up` command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pulumi_openai_run.testing import (
    FakeOpenAI,
    ProviderServer,
    ProviderServerMocks,
    RunScript,
    run_program,
)
from pulumi_openai_run.testing.up import main as offline_up
from tests.e2e.stacks import APIS, CREATED_IDS, api_flag, created, stack_config

ASK = Path(__file__).resolve().parents[2] / "examples" / "ask"
PROJECT = "openai-run-ask"
QUESTION = "What is a stack?"


def test_the_project_has_its_own_pulumi_yaml() -> None:
    text = (ASK / "Pulumi.yaml").read_text()
    assert f"name: {PROJECT}\n" in text and "runtime:" in text and "default: gpt-6-astra" in text


def _play(api: str) -> tuple[FakeOpenAI, dict[str, str], dict[str, Any]]:
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.05, duration=0.15, reply="A stack is one deployment.")
        with ProviderServer(stack_config(fake, api), project=PROJECT, env={"OPENAI_API_KEY": ""}) as server:
            mocks = ProviderServerMocks(server)
            exports = dict(run_program(ASK, mocks, project=PROJECT, config={"question": QUESTION}))
    # three resources, no Message: the question is the Run's input
    assert sorted(r.type.rsplit(":", 1)[1] for r in mocks.registrations) == ["Assistant", "Run", "Thread"]
    assert [r.operation for r in mocks.registrations] == ["create"] * 3
    ids = {r.name: r.id for r in mocks.registrations}
    assert exports["conversation_id"] == ids["conversation"]
    assert exports["status"] == "completed" and exports["reply"] == "A stack is one deployment."
    return fake, ids, exports


def test_the_run_depends_only_on_what_it_takes_ids_from(dependencies: dict[str, set[str]]) -> None:
    _play("responses")
    assert dependencies["answer"] == {"helper", "conversation"}  # no depends_on, no Message to wait for


def test_ask_end_to_end_on_the_responses_api() -> None:
    fake, ids, _ = _play("responses")
    # no item added by hand: the question went with the response as its input
    assert not any(r.path.endswith("/items") for r in fake.requests if r.method == "POST")
    [create] = [r.json for r in fake.requests if r.method == "POST" and r.path == "/responses"]
    assert create["conversation"] == ids["conversation"] and QUESTION in str(create["input"])
    [response] = fake.responses_on(ids["conversation"])
    [agent] = fake.agents()
    assert response["id"] == ids["answer"] and agent["id"] == ids["helper"]
    assert (response["model"], response["instructions"]) == ("gpt-6-astra", "Answer in one sentence.")
    # the question and the answer joined the conversation, in that order
    question, answer = fake.conversation_items(ids["conversation"])
    assert (question["role"], question["content"]) == ("user", [{"type": "input_text", "text": QUESTION}])
    assert (answer["role"], answer["content"][0]["text"]) == ("assistant", "A stack is one deployment.")


def test_ask_end_to_end_on_the_assistants_api() -> None:
    fake, ids, _ = _play("assistants")
    # no message added by hand: the question went with the run as an additional message
    assert not any(r.path.endswith("/messages") for r in fake.requests if r.method == "POST")
    [create] = [r.json for r in fake.requests if r.method == "POST" and r.path.endswith("/runs")]
    assert create["assistant_id"] == ids["helper"] and QUESTION in str(create["additional_messages"])
    [run] = fake.runs_on(ids["conversation"])
    assert run["id"] == ids["answer"] and fake.assistant(ids["helper"])["model"] == "gpt-6-astra"
    question, answer = fake.messages_on(ids["conversation"])
    assert (question["role"], question["content"][0]["text"]["value"]) == ("user", QUESTION)
    assert (answer["role"], answer["run_id"]) == ("assistant", run["id"])


@pytest.mark.parametrize("api", [None, *APIS])
def test_the_offline_up_command_takes_the_project_dir(api: str | None, capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    assert offline_up([str(ASK), "--run-seconds", "0.1", "--state-dir", str(tmp_path / "ok"), *api_flag(api)]) == 0
    out = capsys.readouterr().out
    assert f"(project {PROJECT})" in out and "openai:Message" not in out
    ids = CREATED_IDS[api or "responses"]  # no --api: today's OpenAI
    assert ids["Thread"] in created(tmp_path / "ok", "Thread", "conversation")
    assert ids["Run"] in created(tmp_path / "ok", "Run", "answer")
    assert 'status         : "completed"' in out
    assert 'reply          : "Hello from the fake assistant (offline up)."' in out
    assert offline_up([str(ASK), "--run-seconds", "0.1", "--outcome", "failed",
                       "--state-dir", str(tmp_path / "failed"), *api_flag(api)]) == 1
    err = capsys.readouterr().err
    noun = "Run" if api == "assistants" else "Response"  # in the API's words
    assert f"error: pulumi-python:dynamic/openai:Run answer: {noun} {ids['Run'][1:]}" in err  # names the resource
