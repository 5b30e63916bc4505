"""Run lifecycles of the fake OpenAI service, driven by the real openai client (HTTP and in-process)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI, RunScript
from tests.fake.conftest import serving

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    yield from serving(FakeOpenAI(poll_after_ms=250), request)



@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, Any]:
    assistant = fake.create_assistant(model="gpt-4o-mini", instructions="Be brief.", temperature=0.5)
    thread = fake.create_thread(messages=["What is the weather?"])
    return {"assistant": assistant["id"], "thread": thread["id"]}


def test_completed_run_moves_through_its_lifecycle(
    fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]
) -> None:
    start = fake.now()
    run = client.beta.threads.runs.create(
        thread_id=ids["thread"], assistant_id=ids["assistant"], metadata={"stack": "dev"}, top_p=0.9
    )
    assert run.status == "queued"
    assert run.object == "thread.run"
    assert run.id.startswith("run_") and len(run.id) == len("run_") + 24
    assert (run.assistant_id, run.thread_id) == (ids["assistant"], ids["thread"])
    assert run.model == "gpt-4o-mini"  # from the assistant
    assert run.instructions == "Be brief."
    assert (run.temperature, run.top_p, run.metadata) == (0.5, 0.9, {"stack": "dev"})
    assert run.created_at == int(start) and run.expires_at == run.created_at + 600
    assert run.started_at is None and run.usage is None

    fake.advance(0.1)
    run = client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"])
    assert run.status == "in_progress" and run.started_at is not None
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=ids["thread"]).data
    assert [(s.type, s.status) for s in steps] == [("message_creation", "in_progress")]

    fake.advance(0.5)
    run = client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"])
    assert run.status == "completed"
    assert run.completed_at is not None
    assert run.usage is not None and run.usage.total_tokens == 15
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=ids["thread"]).data
    assert [(s.type, s.status) for s in steps] == [("message_creation", "completed")]
    assert steps[0].step_details.type == "message_creation"
    message_id = steps[0].step_details.message_creation.message_id
    message = client.beta.threads.messages.retrieve(message_id, thread_id=ids["thread"])
    assert (message.role, message.run_id, message.assistant_id) == ("assistant", run.id, ids["assistant"])
    assert message.content[0].type == "text"
    assert message.content[0].text.value == "Hello from the fake assistant."
    assert fake.run(run.id)["status"] == "completed"


def test_run_echoes_request_fields(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    run = client.beta.threads.runs.create(
        thread_id=ids["thread"],
        assistant_id=ids["assistant"],
        model="gpt-4.1",
        instructions="Answer in French.",
        temperature=0.2,
        max_completion_tokens=512,
        tools=[{"type": "code_interpreter"}],
    )
    assert (run.model, run.instructions, run.temperature) == ("gpt-4.1", "Answer in French.", 0.2)
    assert run.max_completion_tokens == 512
    assert [tool.type for tool in run.tools] == ["code_interpreter"]


@pytest.mark.parametrize(
    ("script", "check"),
    [
        (
            RunScript(outcome="failed"),
            lambda run: (
                run.failed_at is not None
                and run.last_error is not None
                and (run.last_error.code, run.last_error.message) == ("server_error", "The fake model failed.")
                and run.usage is not None
            ),
        ),
        (
            RunScript(outcome="failed", last_error={"code": "rate_limit_exceeded", "message": "Slow down."}),
            lambda run: run.last_error is not None and run.last_error.code == "rate_limit_exceeded",
        ),
        (RunScript(outcome="expired"), lambda run: run.expired_at is not None),
        (
            RunScript(outcome="incomplete", incomplete_reason="max_prompt_tokens"),
            lambda run: (
                run.completed_at is not None
                and run.incomplete_details is not None
                and run.incomplete_details.reason == "max_prompt_tokens"
            ),
        ),
    ],
    ids=["failed", "failed-custom-error", "expired", "incomplete"],
)
def test_terminal_outcomes(
    fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any], script: RunScript, check: Any
) -> None:
    fake.script_runs(script)
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    fake.advance(0.6)
    run = client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"])
    assert run.status == script.outcome
    assert check(run)


def test_incomplete_run_leaves_an_incomplete_message(
    fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]
) -> None:
    fake.script_runs(RunScript(outcome="incomplete", reply="Partial"))
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    fake.advance(1)
    [message] = client.beta.threads.messages.list(thread_id=ids["thread"], run_id=run.id).data
    assert message.status == "incomplete"
    assert message.incomplete_details is not None and message.incomplete_details.reason == "max_tokens"


def test_failed_run_fails_its_open_step(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    fake.script_runs(RunScript(outcome="failed", code_interpreter_files=1))
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    fake.advance(1)
    [step] = client.beta.threads.runs.steps.list(run.id, thread_id=ids["thread"]).data
    assert (step.type, step.status) == ("tool_calls", "failed")
    assert step.failed_at is not None and step.last_error is not None
    assert client.beta.threads.messages.list(thread_id=ids["thread"], run_id=run.id).data == []


def test_requires_action_then_submit_tool_outputs_completes(
    fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]
) -> None:
    fake.script_runs(RunScript(outcome="requires_action", function_name="lookup"))
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    fake.advance(5)
    run = client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"])
    assert run.status == "requires_action"
    assert run.required_action is not None and run.required_action.type == "submit_tool_outputs"
    [call] = run.required_action.submit_tool_outputs.tool_calls
    assert (call.type, call.function.name) == ("function", "lookup")

    run = client.beta.threads.runs.submit_tool_outputs(
        run.id, thread_id=ids["thread"], tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}]
    )
    assert run.status == "queued" and run.required_action is None
    fake.advance(0.6)
    run = client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"])
    assert run.status == "completed"
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=ids["thread"], order="asc").data
    assert [(s.type, s.status) for s in steps] == [("tool_calls", "completed"), ("message_creation", "completed")]
    assert steps[0].step_details.type == "tool_calls"
    function_call = steps[0].step_details.tool_calls[0]
    assert function_call.type == "function" and function_call.function.output == "sunny"


def test_submit_tool_outputs_needs_every_call(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    fake.script_runs(RunScript(outcome="requires_action"))
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    with pytest.raises(openai.BadRequestError, match="do not accept tool outputs"):
        client.beta.threads.runs.submit_tool_outputs(run.id, thread_id=ids["thread"], tool_outputs=[])
    fake.advance(1)
    with pytest.raises(openai.BadRequestError) as error:
        client.beta.threads.runs.submit_tool_outputs(
            run.id, thread_id=ids["thread"], tool_outputs=[{"tool_call_id": "call_other", "output": "x"}]
        )
    assert error.value.param == "tool_outputs"


def test_requires_action_expires_at_expires_at(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    fake.script_runs(RunScript(outcome="requires_action"))
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    fake.advance(601)
    assert client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"]).status == "expired"


def test_scripts_are_used_in_order_then_the_default(
    fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]
) -> None:
    fake.script_runs(RunScript(outcome="failed"), RunScript(outcome="expired"))
    fake.default_script = RunScript(outcome="incomplete")
    statuses = []
    for _ in range(3):
        run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
        fake.advance(1)
        statuses.append(client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"]).status)
    assert statuses == ["failed", "expired", "incomplete"]
    assert [run["status"] for run in fake.runs_on(ids["thread"])] == statuses
    listed = client.beta.threads.runs.list(thread_id=ids["thread"]).data
    assert [run.status for run in listed] == statuses[::-1]  # newest first


def test_active_run_blocks_new_runs_and_messages(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    with pytest.raises(openai.BadRequestError) as error:
        client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    assert error.value.type == "invalid_request_error"
    assert f"Thread {ids['thread']} already has an active run {run.id}." in str(error.value)
    with pytest.raises(openai.BadRequestError, match=run.id):
        client.beta.threads.messages.create(thread_id=ids["thread"], role="user", content="More?")
    fake.advance(1)
    client.beta.threads.messages.create(thread_id=ids["thread"], role="user", content="More?")
    client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])


def test_cancel_flow(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    fake.advance(0.2)
    run = client.beta.threads.runs.cancel(run.id, thread_id=ids["thread"])
    assert run.status == "cancelling"
    with pytest.raises(openai.BadRequestError, match=re.escape("Cannot cancel run with status 'cancelling'.")):
        client.beta.threads.runs.cancel(run.id, thread_id=ids["thread"])
    fake.advance(0.1)
    run = client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"])
    assert run.status == "cancelled" and run.cancelled_at is not None
    [step] = client.beta.threads.runs.steps.list(run.id, thread_id=ids["thread"]).data
    assert step.status == "cancelled"
    fake.advance(10)  # the script's outcome never happens
    assert client.beta.threads.runs.retrieve(run.id, thread_id=ids["thread"]).status == "cancelled"
    with pytest.raises(openai.BadRequestError, match=re.escape("Cannot cancel run with status 'cancelled'.")):
        client.beta.threads.runs.cancel(run.id, thread_id=ids["thread"])


def test_cancel_of_a_completed_run_is_refused(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    fake.advance(1)
    with pytest.raises(openai.BadRequestError, match=re.escape("Cannot cancel run with status 'completed'.")):
        client.beta.threads.runs.cancel(run.id, thread_id=ids["thread"])


def test_modify_run_metadata(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"], metadata={"a": "1"})
    run = client.beta.threads.runs.update(run.id, thread_id=ids["thread"], metadata={"b": "2"})
    assert run.metadata == {"b": "2"}
    assert fake.run(run.id)["metadata"] == {"b": "2"}


def test_poll_after_header_on_get_run(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    raw = client.beta.threads.runs.with_raw_response.retrieve(run.id, thread_id=ids["thread"])
    assert raw.headers["openai-poll-after-ms"] == "250"
    assert raw.headers["x-request-id"].startswith("req_")
    created = client.beta.threads.runs.with_raw_response.cancel(run.id, thread_id=ids["thread"])
    assert "openai-poll-after-ms" not in created.headers
    assert created.headers["x-request-id"].startswith("req_")


def test_tool_steps_carry_files(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    fake.script_runs(
        RunScript(code_interpreter_files=2, file_search_files=("file-a", "file-b"), message_file_ids=("file-c",))
    )
    run = client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id=ids["assistant"])
    fake.advance(1)
    steps = client.beta.threads.runs.steps.list(
        run.id,
        thread_id=ids["thread"],
        order="asc",
        include=["step_details.tool_calls[*].file_search.results[*].content"],
    ).data
    assert [s.type for s in steps] == ["tool_calls", "tool_calls", "message_creation"]
    assert steps[0].step_details.type == "tool_calls"
    code = steps[0].step_details.tool_calls[0]
    assert code.type == "code_interpreter"
    images = [output.image.file_id for output in code.code_interpreter.outputs if output.type == "image"]
    assert len(images) == 2 and all(file_id.startswith("file-") for file_id in images)
    assert steps[1].step_details.type == "tool_calls"
    search = steps[1].step_details.tool_calls[0]
    assert search.type == "file_search" and search.file_search.results is not None
    assert [result.file_id for result in search.file_search.results] == ["file-a", "file-b"]
    assert search.file_search.results[0].content  # included on request
    plain = client.beta.threads.runs.steps.retrieve(steps[1].id, thread_id=ids["thread"], run_id=run.id)
    assert plain.step_details.type == "tool_calls"
    plain_search = plain.step_details.tool_calls[0]
    assert plain_search.type == "file_search" and plain_search.file_search.results is not None
    assert plain_search.file_search.results[0].content is None

    [message] = client.beta.threads.messages.list(thread_id=ids["thread"], run_id=run.id).data
    assert message.content[0].type == "text"
    [annotation] = message.content[0].text.annotations
    assert annotation.type == "file_citation" and annotation.file_citation.file_id == "file-c"
    text = message.content[0].text.value
    assert text[annotation.start_index : annotation.end_index] == annotation.text
    assert [a.file_id for a in message.attachments or []] == ["file-c"]
    assert [block.image_file.file_id for block in message.content if block.type == "image_file"] == images


def test_runs_on_unknown_ids_are_404(fake: FakeOpenAI, client: openai.OpenAI, ids: dict[str, Any]) -> None:
    with pytest.raises(openai.NotFoundError, match=re.escape("No run found with id 'run_x'.")):
        client.beta.threads.runs.retrieve("run_x", thread_id=ids["thread"])
    with pytest.raises(openai.NotFoundError, match=re.escape("No thread found with id 'thread_x'.")):
        client.beta.threads.runs.retrieve("run_x", thread_id="thread_x")
    with pytest.raises(openai.NotFoundError, match=re.escape("No assistant found with id 'asst_x'.")):
        client.beta.threads.runs.create(thread_id=ids["thread"], assistant_id="asst_x")
    assert fake.runs_on(ids["thread"]) == []
    with pytest.raises(KeyError):
        fake.run("run_x")
