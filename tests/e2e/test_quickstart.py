"""examples/quickstart as a program under pulumi.runtime.set_mocks: assistant -> thread -> message -> run; through
the provider server and as the offline up on both APIs (an agent, a conversation, an item and a response on the
Responses API, the default; an assistant, a thread, a message and a run on the Assistants API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_openai_run._runs.fields import RUN_FIELDS
from pulumi_openai_run._runs.identity import marker_for
from pulumi_openai_run.schema import CREATE_TOKEN_KEY
from pulumi_openai_run.testing import (
    UNKNOWN,
    FakeOpenAI,
    ProviderServer,
    ProviderServerMocks,
    ResourceFailedError,
    RunScript,
    run_program,
)
from pulumi_openai_run.testing.up import main as offline_up
from tests.e2e.stacks import APIS, CREATED_IDS, api_flag, created, stack_config

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


def test_quickstart_registers_the_whole_chain_in_order(dependencies: dict[str, set[str]]) -> None:
    mocks = RecordingMocks()
    exports = run_program(QUICKSTART, mocks, project=PROJECT,
                          config={"model": "gpt-6.2-sol", "question": "How was Q3?", "completionWindow": "120"})
    by_type = {args.typ.removeprefix(TYPE): args for args in mocks.resources}
    assert sorted(by_type) == ["Assistant", "Message", "Run", "Thread"]
    assistant, thread, message, run = (by_type[k] for k in ("Assistant", "Thread", "Message", "Run"))
    assert (assistant.name, thread.name, message.name, run.name) == ("helper", "conversation", "question", "summary")
    assert assistant.inputs["model"] == "gpt-6.2-sol" and assistant.inputs["instructions"]
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


def _play(api: str) -> tuple[FakeOpenAI, ProviderServerMocks, dict[str, Any]]:
    """The quickstart through the provider server, on ``api`` by stack config; the fake, stopped, to inspect."""
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.05, duration=0.2, reply="Quarter was fine.")
        with ProviderServer(stack_config(fake, api), project=PROJECT, env={"OPENAI_API_KEY": ""}) as server:
            mocks = ProviderServerMocks(server)
            exports = dict(run_program(QUICKSTART, mocks, project=PROJECT, config={"question": "How was Q3?"}))
    return fake, mocks, exports


def test_quickstart_end_to_end_on_the_responses_api() -> None:
    # agent, conversation, question item, background response: no ids by hand, the run answers the item
    fake, mocks, exports = _play("responses")
    assert [r.operation for r in mocks.registrations] == ["create"] * 4
    ids = {r.name: r.id for r in mocks.registrations}
    [agent] = fake.agents()
    assert ids["helper"] == agent["id"] and agent["model"] == "gpt-6-astra" and agent["instructions"]
    assert [c["id"] for c in fake.conversations()] == [ids["conversation"]]
    assert fake.conversations()[0]["metadata"] == {"stack": "dev"}
    question, answer = fake.conversation_items(ids["conversation"])
    assert question["id"] == ids["question"] and question["role"] == "user"
    assert question["content"] == [{"type": "input_text", "text": "How was Q3?"}]
    [response] = fake.responses_on(ids["conversation"])
    assert response["id"] == ids["summary"] == exports["run_id"]
    # the run took its model and instructions from the agent, and its answer joined the conversation
    assert (response["model"], response["instructions"]) == (agent["model"], agent["instructions"])
    assert (answer["role"], answer["content"][0]["text"]) == ("assistant", "Quarter was fine.")
    assert [item["id"] for item in response["output"]] == [answer["id"]]
    # the question was in the conversation before the response was asked for (depends_on)
    posts = [r.path for r in fake.requests if r.method == "POST"]
    assert posts.index(f"/conversations/{ids['conversation']}/items") < posts.index("/responses")
    assert exports["status"] == "completed" and exports["reply"] == "Quarter was fine."
    assert exports["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                                "input_tokens": 10, "output_tokens": 5}
    assert response["metadata"]["stack"] == "dev"
    # the Run class told the provider which resource it is: the create's marker derives from it (a killed
    # `pulumi up`'s response is found again by the next), and state keeps it for the next check
    [run] = [r for r in mocks.registrations if r.name == "summary"]
    assert run.outs["__identity"] == f"{PROJECT}/dev/summary" and run.outs["__generation"] == "0"
    assert response["metadata"][CREATE_TOKEN_KEY].startswith(
        marker_for(RUN_FIELDS, {**run.inputs, "__generation": "0"}).step)


def test_quickstart_end_to_end_on_the_assistants_api() -> None:
    fake, mocks, exports = _play("assistants")
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
    assert fake.agents() == [] and fake.conversations() == []


@pytest.mark.parametrize("api", APIS)
def test_quickstart_preview_checks_all_four_without_a_request(api: str) -> None:
    with FakeOpenAI(clock="real") as fake:
        with ProviderServer(stack_config(fake, api), project=PROJECT, env={"OPENAI_API_KEY": ""}) as server:
            mocks = ProviderServerMocks(server)
            exports = run_program(QUICKSTART, mocks, project=PROJECT, preview=True)
        assert sorted(r.name for r in mocks.registrations if r.operation == "preview") == [
            "conversation", "helper", "question", "summary"]
        assert exports["status"] == UNKNOWN  # known only once the run has run
        assert fake.requests == []


@pytest.mark.parametrize("api", [None, *APIS])
def test_the_offline_up_command(api: str | None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    played = api or "responses"  # no --api: today's OpenAI
    state_dir = str(tmp_path / "ok")
    root = str(QUICKSTART.parent.parent)  # its Pulumi.yaml runs the quickstart
    assert offline_up([root, "--run-seconds", "0.2", "--state-dir", state_dir, *api_flag(api)]) == 0
    out = capsys.readouterr().out
    assert 'status: "completed"' in out and "pulumi-python:dynamic/openai:Run summary created" in out
    for kind, name in (("Assistant", "helper"), ("Thread", "conversation"), ("Message", "question"),
                       ("Run", "summary")):
        prefix = CREATED_IDS[played].get(kind)
        assert prefix is None or prefix in created(tmp_path / "ok", kind, name)
    # an agent is no assistant
    assert ("(asst_" in created(tmp_path / "ok", "Assistant", "helper")) == (played == "assistants")
    assert offline_up([root, "--run-seconds", "0.2", "--outcome", "failed", "--state-dir",
                       str(tmp_path / "failed"), *api_flag(api)]) == 1
    err = capsys.readouterr().err
    run_prefix = CREATED_IDS[played]["Run"][1:]
    noun = "Run" if played == "assistants" else "Response"  # in the API's words
    assert f"error: pulumi-python:dynamic/openai:Run summary: {noun} {run_prefix}" in err  # names the resource
    assert "ended failed: server_error: The fake model failed." in err
    assert "Traceback" not in err


@pytest.mark.parametrize("api", [None, *APIS])
def test_the_offline_up_runs_the_program_the_root_pulumi_yaml_names(
        api: str | None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = QUICKSTART.parent.parent
    assert offline_up([str(root), "--run-seconds", "0.1", "--config", "completionWindow=0", "--state-dir",
                       str(tmp_path), *api_flag(api)]) == 0
    out = capsys.readouterr().out
    assert f"program {root / 'examples' / 'quickstart'} (project {PROJECT})" in out
    assert 'status: "queued"' in out  # completionWindow=0: created, not awaited
    assert CREATED_IDS[api or "responses"]["Run"] in created(tmp_path, "Run", "summary")


def test_the_offline_up_refuses_malformed_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline_up([str(QUICKSTART.parent.parent), "--config", "question"]) == 2
    assert "--config" in capsys.readouterr().err


MISSING = {"responses": ("resp_missing", "create_conversation"), "assistants": ("run_missing", "create_thread")}


@pytest.mark.parametrize("api", APIS)
def test_getting_a_run_that_does_not_exist_fails_naming_it(api: str, tmp_path: Path) -> None:
    missing, create = MISSING[api]
    (tmp_path / "__main__.py").write_text(
        "import os\n"
        "from pulumi_openai_run import Run\n"
        f"Run.get('old', '{missing}', thread_id=os.environ['T'])\n"
    )
    with FakeOpenAI(clock="real") as fake:
        thread = getattr(fake, create)()["id"]
        with ProviderServer(stack_config(fake, api), env={"OPENAI_API_KEY": ""}) as server, \
                pytest.MonkeyPatch.context() as patch:
            patch.setenv("T", thread)
            with pytest.raises(ResourceFailedError, match=f"openai:Run old: resource '{missing}' does not exist"):
                run_program(tmp_path, ProviderServerMocks(server))


def test_the_offline_up_names_a_directory_without_pulumi_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline_up([str(QUICKSTART)]) == 2  # the program's directory, not the project's
    assert f"no Pulumi.yaml in {QUICKSTART}" in capsys.readouterr().err
