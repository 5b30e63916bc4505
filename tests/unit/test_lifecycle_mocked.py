"""Each lifecycle method against a mocked OpenAI client (pytest-mock), every terminal status included."""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY, MagicMock

import pytest
from openai.types.beta.threads import Message, Run
from openai.types.beta.threads.runs import RunStep
from pytest_mock import MockerFixture

from pulumi_openai_run import RunProvider
from pulumi_openai_run._runs.provider import ProviderError

INPUTS = {"assistant_id": "asst_a", "thread_id": "thread_t"}


def run_json(status: str, **extra: Any) -> dict[str, Any]:
    base = {
        "id": "run_1", "object": "thread.run", "assistant_id": "asst_a", "thread_id": "thread_t",
        "status": status, "created_at": 100, "started_at": 101, "completed_at": None, "cancelled_at": None,
        "failed_at": None, "expires_at": 700, "instructions": "", "model": "gpt-4o", "tools": [],
        "metadata": {}, "parallel_tool_calls": True, "last_error": None, "incomplete_details": None,
        "required_action": None, "usage": None, "max_completion_tokens": None, "max_prompt_tokens": None,
        "response_format": "auto", "tool_choice": "auto", "truncation_strategy": None,
    }
    return {**base, **extra}


def a_run(status: str, **extra: Any) -> Run:
    return Run.model_validate(run_json(status, **extra))


def page(items: list[Any]) -> MagicMock:
    return MagicMock(data=items, has_more=False)


STEP = RunStep.model_validate({
    "id": "step_1", "object": "thread.run.step", "assistant_id": "asst_a", "thread_id": "thread_t",
    "run_id": "run_1", "type": "message_creation", "status": "completed", "created_at": 102,
    "step_details": {"type": "message_creation", "message_creation": {"message_id": "msg_1"}},
    "cancelled_at": None, "completed_at": 103, "expired_at": None, "failed_at": None, "last_error": None,
    "metadata": None, "usage": None,
})
MESSAGE = Message.model_validate({
    "id": "msg_1", "object": "thread.message", "created_at": 103, "thread_id": "thread_t", "role": "assistant",
    "run_id": "run_1", "assistant_id": "asst_a", "status": "completed", "attachments": [], "metadata": {},
    "content": [{"type": "text", "text": {"value": "Done.", "annotations": []}}],
})
DONE = {"usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}, "completed_at": 110}


@pytest.fixture
def client(mocker: MockerFixture, stepped_clock: Any) -> MagicMock:
    """A mocked openai client that the provider gets instead of a real one."""
    fake = MagicMock(name="OpenAI")
    fake.timeout = 60.0  # openai:requestTimeout, the cap of every request's timeout
    mocker.patch("pulumi_openai_run._core.client.build_client", return_value=fake)
    monkey_env = {"OPENAI_API_KEY": "sk-test-key"}
    mocker.patch.dict("os.environ", monkey_env)
    runs = fake.beta.threads.runs
    runs.steps.list.return_value = page([STEP])
    fake.beta.threads.messages.list.return_value = page([MESSAGE])
    return fake


def statuses(client: MagicMock, *sequence: Run) -> None:
    """Successive retrieve() answers."""
    raws = []
    for run in sequence:
        raw = MagicMock(headers={})
        raw.parse.return_value = run
        raws.append(raw)
    client.beta.threads.runs.with_raw_response.retrieve.side_effect = raws


def test_create_without_a_window_returns_at_once(client: MagicMock) -> None:
    client.beta.threads.runs.create.return_value = a_run("queued", started_at=None)
    result = RunProvider().create({**INPUTS, "__provider": "blob"})
    assert result.id == "run_1"
    assert result.outs["status"] == "queued"
    assert result.outs["steps"] == [] and result.outs["usage"] == {}
    assert result.outs["assistant_id"] == "asst_a"  # inputs echoed
    client.beta.threads.runs.with_raw_response.retrieve.assert_not_called()
    sent = client.beta.threads.runs.create.call_args
    assert sent.args == ("thread_t",) and sent.kwargs["assistant_id"] == "asst_a"


@pytest.mark.parametrize("status", ["completed", "incomplete"])
def test_create_waits_and_records_a_successful_run(client: MagicMock, status: str) -> None:
    client.beta.threads.runs.create.return_value = a_run("queued")
    statuses(client, a_run("in_progress"), a_run(status, **DONE,
             incomplete_details={"reason": "max_completion_tokens"} if status == "incomplete" else None))
    result = RunProvider().create({**INPUTS, "completion_window": 60.0})
    assert result.outs["status"] == status
    assert result.outs["usage"] == {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    assert [s["id"] for s in result.outs["steps"]] == ["step_1"]
    assert result.outs["reply"] == "Done."
    client.beta.threads.runs.cancel.assert_not_called()
    steps_call = client.beta.threads.runs.steps.list.call_args
    assert steps_call.kwargs["limit"] == 100 and steps_call.kwargs["order"] == "asc"


@pytest.mark.parametrize("status", ["failed", "expired", "cancelled"])
def test_create_fails_on_a_failed_run_quoting_last_error(client: MagicMock, status: str) -> None:
    client.beta.threads.runs.create.return_value = a_run("queued")
    error = {"code": "rate_limit_exceeded", "message": "You ran out of quota."} if status == "failed" else None
    statuses(client, a_run(status, last_error=error))
    with pytest.raises(ProviderError) as caught:
        RunProvider().create({**INPUTS, "completion_window": 60.0})
    assert f"Run run_1 on thread thread_t ended {status}" in str(caught.value)
    if error:
        assert "rate_limit_exceeded: You ran out of quota." in str(caught.value)
    client.beta.threads.runs.cancel.assert_not_called()  # nothing is running any more


def test_requires_action_cancels_then_fails(client: MagicMock) -> None:
    client.beta.threads.runs.create.return_value = a_run("queued")
    action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}}
    statuses(client, a_run("requires_action", required_action=action), a_run("requires_action"),
             a_run("cancelling"), a_run("cancelled"))
    client.beta.threads.runs.cancel.return_value = a_run("cancelling")
    with pytest.raises(ProviderError, match=r"requires action.*get_weather.*cancelled"):
        RunProvider().create({**INPUTS, "completion_window": 60.0})
    client.beta.threads.runs.cancel.assert_called_once_with("run_1", thread_id="thread_t", timeout=ANY)


def test_an_elapsed_window_cancels_then_fails_naming_run_and_window(client: MagicMock, stepped_clock: Any) -> None:
    client.beta.threads.runs.create.return_value = a_run("queued")
    running = [a_run("in_progress")] * 12
    statuses(client, *running, a_run("in_progress"), a_run("cancelled"))
    cancelled_at: list[float] = []
    client.beta.threads.runs.cancel.side_effect = lambda *a, **k: cancelled_at.append(stepped_clock.now) or \
        a_run("cancelling")
    started = stepped_clock.now
    with pytest.raises(ProviderError) as caught:
        RunProvider().create({**INPUTS, "completion_window": 5.0})
    assert "run_1" in str(caught.value) and "completion_window (5 s)" in str(caught.value)
    assert cancelled_at == [pytest.approx(started + 5.0)]  # the last look is at the window's end, not later


def test_read_of_a_vanished_run_reports_it_gone(client: MagicMock) -> None:
    import httpx2
    import openai

    response = httpx2.Response(404, request=httpx2.Request("GET", "http://127.0.0.1/v1/x"),
                               json={"error": {"message": "No run found with id 'run_1'."}})
    client.beta.threads.runs.with_raw_response.retrieve.side_effect = openai.NotFoundError(
        "No run found", response=response, body={"message": "No run found with id 'run_1'."})
    result = RunProvider().read("run_1", {**INPUTS, "status": "completed"})
    assert result.id == ""


def test_read_refreshes_status_and_lists_details_once_terminal(client: MagicMock) -> None:
    statuses(client, a_run("completed", **DONE, metadata={"team": "ops"}))
    result = RunProvider().read("run_1", {**INPUTS, "metadata": {"team": "docs"}, "status": "queued", "steps": []})
    assert result.id == "run_1"
    assert result.outs["status"] == "completed" and result.outs["reply"] == "Done."
    assert result.inputs is not None and result.inputs["metadata"] == {"team": "ops"}  # drift shows on next up


def test_update_changes_metadata_in_place(client: MagicMock) -> None:
    client.beta.threads.runs.update.return_value = a_run("completed", **DONE, metadata={"team": "ops"})
    olds = {**INPUTS, "metadata": {"team": "docs"}, "status": "completed", "steps": [], "reply": "x",
            "file_ids": [], "message_ids": []}
    result = RunProvider().update("run_1", olds, {**INPUTS, "metadata": {"team": "ops"}})
    client.beta.threads.runs.update.assert_called_once_with("run_1", thread_id="thread_t", metadata={"team": "ops"},
                                                             timeout=ANY)
    assert result.outs is not None and result.outs["metadata"] == {"team": "ops"}
    client.beta.threads.runs.create.assert_not_called()


def test_update_of_completion_window_touches_nothing(client: MagicMock) -> None:
    olds = {**INPUTS, "completion_window": 60.0, "status": "completed"}
    result = RunProvider().update("run_1", olds, {**INPUTS, "completion_window": 120.0})
    assert result.outs is not None and result.outs["completion_window"] == 120.0
    assert result.outs["status"] == "completed"
    assert client.method_calls == []


def test_delete_cancels_an_active_run_and_waits(client: MagicMock) -> None:
    statuses(client, a_run("in_progress"), a_run("cancelling"), a_run("cancelled"))
    client.beta.threads.runs.cancel.return_value = a_run("cancelling")
    RunProvider().delete("run_1", {**INPUTS, "status": "in_progress"})
    client.beta.threads.runs.cancel.assert_called_once_with("run_1", thread_id="thread_t", timeout=ANY)
    assert client.beta.threads.runs.with_raw_response.retrieve.call_count == 3


def test_delete_of_a_finished_run_does_nothing(client: MagicMock) -> None:
    statuses(client, a_run("completed"))
    RunProvider().delete("run_1", {**INPUTS, "status": "completed"})
    client.beta.threads.runs.cancel.assert_not_called()


def test_missing_api_key_fails_before_any_request(mocker: MockerFixture) -> None:
    built = mocker.patch("pulumi_openai_run._core.client.build_client")
    mocker.patch.dict("os.environ", {}, clear=True)
    with pytest.raises(ProviderError, match=r"openai:apiKey.*OPENAI_API_KEY"):
        RunProvider().create({**INPUTS, "completion_window": 60.0})
    built.assert_not_called()


def test_no_request_may_outlast_the_window(client: MagicMock, stepped_clock: Any) -> None:
    """Each request's timeout is cut to what is left of the completion_window (but not below 1 s)."""
    client.beta.threads.runs.create.return_value = a_run("queued")
    statuses(client, *[a_run("in_progress")] * 8, a_run("completed", **DONE))
    started = stepped_clock.now
    timeouts: list[tuple[float, float]] = []
    retrieve = client.beta.threads.runs.with_raw_response.retrieve
    answers = retrieve.side_effect

    def timed(*args: Any, timeout: float, **kwargs: Any) -> Any:
        timeouts.append((stepped_clock.now - started, timeout))
        return next(answers)

    retrieve.side_effect = timed
    RunProvider().create({**INPUTS, "completion_window": 8.5})
    waiting_requests = [(at, timeout) for at, timeout in timeouts if at < 8.5]
    assert waiting_requests, "the provider made no request while waiting"
    for at, timeout in waiting_requests:
        assert timeout <= max(1.0, 8.5 - at) + 1e-9
