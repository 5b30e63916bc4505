"""Under faults the Run keeps working, and nothing is lost or doubled (the fake's fault injection); transient
errors on every call of an up on both APIs (more Responses faults: test_responses_on_fake.py)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._core import waiting
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, Fault, RunScript, configured_provider
from tests.apis import ASSISTANTS, RESPONSES, ApiCase

CALLS = {
    "create": ("POST", r"/threads/[^/]+/runs"),
    "retrieve": ("GET", r"/threads/[^/]+/runs/run_\w+"),
    "list steps": ("GET", r"/threads/[^/]+/runs/run_\w+/steps"),
    "list messages": ("GET", r"/threads/[^/]+/messages"),
}
RESPONSES_CALLS = {  # the calls of an up on the Responses API
    "create": ("POST", r"/responses"),
    "retrieve": ("GET", r"/responses/resp_\w+"),
    "conversation items": ("GET", r"/conversations/conv_\w+/items"),
}
TRANSIENT = {
    "429 with Retry-After": {"kind": "status", "status": 429, "retry_after": 7.0},
    "429 with retry-after-ms": {"kind": "status", "status": 429, "retry_after_ms": 2500},
    "429 without Retry-After": {"kind": "status", "status": 429},
    "500": {"kind": "status", "status": 500},
    "502": {"kind": "status", "status": 502},
    "503": {"kind": "status", "status": 503},
    "connection reset": {"kind": "reset"},
}


def assert_waited_as_told(fault: dict[str, Any], clock: FakeApiClock) -> None:
    """A Retry-After or retry-after-ms the fault sent was waited exactly."""
    if "retry_after" in fault:
        assert fault["retry_after"] in clock.sleeps
    if "retry_after_ms" in fault:
        assert fault["retry_after_ms"] / 1000 in clock.sleeps


@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, str]:
    return {"assistant_id": fake.create_assistant()["id"], "thread_id": fake.create_thread(messages=["Hi"])["id"]}


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
@pytest.mark.parametrize(("api", "call"), [
    *(pytest.param(ASSISTANTS, call, id=f"assistants-{call}") for call in CALLS),
    *(pytest.param(RESPONSES, call, id=f"responses-{call}") for call in RESPONSES_CALLS),
])
def test_transient_errors_on_every_call_of_an_up_are_retried(
        fake: FakeOpenAI, provider: RunProvider, api: ApiCase, api_ids: dict[str, str], fake_clock: FakeApiClock,
        call: str, fault: dict[str, Any]) -> None:
    method, path = (CALLS if api is ASSISTANTS else RESPONSES_CALLS)[call]
    fake.inject(Fault(method=method, path=path, times=2, **fault))
    result = provider.create({**api_ids, "completion_window": 60.0})
    assert result.outs["status"] == "completed" and result.outs["reply"]
    runs = api.runs_on(fake, api_ids["thread_id"])
    assert [r["id"] for r in runs] == [result.id]  # exactly one run, and it is the one in state
    assert len([r for r in fake.requests if r.fault]) == 2
    assert_waited_as_told(fault, fake_clock)


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_transient_errors_on_cancel_are_retried(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str],
                                                 fake_clock: FakeApiClock, fault: dict[str, Any]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    created = provider.create(dict(ids))
    cancel = r"/threads/[^/]+/runs/run_\w+/cancel"
    fake.inject(Fault(method="POST", path=cancel, times=2, **fault))
    provider.delete(created.id, dict(created.outs))
    assert fake.run(created.id)["status"] == "cancelled"
    # both faults fired on the cancel, and the third cancel went through
    assert [(r.method, r.fault is not None) for r in fake.requests if r.path.endswith("/cancel")] == [
        ("POST", True), ("POST", True), ("POST", False)]
    assert len([r for r in fake.requests if r.fault]) == 2
    assert_waited_as_told(fault, fake_clock)


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_transient_errors_on_modify_are_retried(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str],
                                                 fake_clock: FakeApiClock, fault: dict[str, Any]) -> None:
    created = provider.create({**ids, "metadata": {"v": "1"}})
    modify = r"/threads/[^/]+/runs/run_\w+"
    fake.inject(Fault(method="POST", path=modify, times=2, **fault))
    provider.update(created.id, created.outs, {**ids, "metadata": {"v": "2"}})
    assert fake.run(created.id)["metadata"] == {"v": "2"}
    # both faults fired on the modify, and the third modify went through
    assert fake.count("POST", modify) == 3
    assert [r.fault is not None for r in fake.requests if r.method == "POST" and r.path.endswith(created.id)] == [
        True, True, False]
    assert len([r for r in fake.requests if r.fault]) == 2
    assert_waited_as_told(fault, fake_clock)


@pytest.mark.parametrize("call", CALLS, ids=CALLS.keys())
def test_read_timeouts_are_retried(fake: FakeOpenAI, ids: dict[str, str], fake_clock: FakeApiClock,
                                   call: str) -> None:
    provider = configured_provider(fake, **{"openai:requestTimeout": "0.2"})
    method, path = CALLS[call]
    fake.inject(Fault(method=method, path=path, kind="delay", delay=0.4))
    result = provider.create({**ids, "completion_window": 60.0})
    assert result.outs["status"] == "completed"
    assert [r["id"] for r in fake.runs_on(ids["thread_id"])] == [result.id]


def test_a_lost_create_response_leaves_exactly_one_run(fake: FakeOpenAI, provider: RunProvider,
                                                       ids: dict[str, str]) -> None:
    fake.inject(Fault(method="POST", path=CALLS["create"][1], kind="lose_response"))
    result = provider.create({**ids, "completion_window": 60.0, "metadata": {"team": "docs"}})
    runs = fake.runs_on(ids["thread_id"])
    assert [r["id"] for r in runs] == [result.id]
    assert result.outs["status"] == "completed"
    assert fake.count("POST", CALLS["create"][1]) == 1  # found, not sent again


def test_a_lost_create_response_without_room_for_the_marker_fails_without_guessing(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    """With all 16 metadata keys the user's, nothing tells the lost request's run from another Run's: the
    create neither sends again nor adopts a run on a guess, and says what may have happened."""
    fake.inject(Fault(method="POST", path=CALLS["create"][1], kind="lose_response"))
    with pytest.raises(ProviderError) as failed:
        provider.create({**ids, "completion_window": 60.0, "metadata": {f"k{i}": "v" for i in range(16)}})
    message = str(failed.value)
    assert "a run may have been made" in message and "16 keys" in message and ids["thread_id"] in message
    assert fake.count("POST", CALLS["create"][1]) == 1  # not sent again
    assert len(fake.runs_on(ids["thread_id"])) == 1  # the lost request's run, which the message warns of


def test_a_lost_create_response_then_a_failing_retry_still_finds_the_run(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.inject(Fault(method="POST", path=CALLS["create"][1], kind="lose_response"))
    fake.inject(Fault(method="GET", path=CALLS["create"][1], kind="status", status=503))  # the look-up fails once
    result = provider.create({**ids, "completion_window": 60.0})
    assert [r["id"] for r in fake.runs_on(ids["thread_id"])] == [result.id]


@pytest.mark.slow
def test_a_lost_stream_is_found_and_followed() -> None:
    with FakeOpenAI(clock="real") as live:
        live.default_script = RunScript(queued_for=0.05, duration=0.2)
        ids = {"assistant_id": live.create_assistant()["id"], "thread_id": live.create_thread()["id"]}
        live.inject(Fault(method="POST", path=CALLS["create"][1], kind="lose_response"))
        result = configured_provider(live).create({**ids, "completion_window": 30.0, "stream_for_tool": True})
        assert [r["id"] for r in live.runs_on(ids["thread_id"])] == [result.id]
        assert result.outs["status"] == "completed" and result.outs["reply"]


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_non_retryable_errors_on_create_fail_fast_with_the_api_message(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str], status: int) -> None:
    fake.inject(Fault(method="POST", path=CALLS["create"][1], kind="status", status=status))
    with pytest.raises(ProviderError, match=f"HTTP {status}") as caught:
        provider.create({**ids, "completion_window": 60.0})
    assert "Could not create a run" in str(caught.value)
    assert len(fake.requests) == 1
    assert fake.runs_on(ids["thread_id"]) == []


def test_an_unknown_assistant_fails_fast_naming_it(fake: FakeOpenAI, provider: RunProvider,
                                                   ids: dict[str, str]) -> None:
    with pytest.raises(ProviderError, match=r"asst_missing.*HTTP 404"):
        provider.create({**ids, "assistant_id": "asst_missing", "completion_window": 60.0})
    assert len(fake.requests) == 1


def test_retries_stop_at_the_window_and_the_run_is_cancelled(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str], fake_clock: FakeApiClock) -> None:
    fake.script_runs(RunScript(duration=300.0))
    fake.inject(Fault(method="GET", path=CALLS["retrieve"][1], kind="status", status=503, times=10_000))
    cancel_sent_at: list[float] = []
    real_sleep = fake_clock.sleep

    def sleep(seconds: float) -> None:  # note when the cancel went out
        if not cancel_sent_at and fake.count("POST", r"/threads/[^/]+/runs/run_\w+/cancel"):
            cancel_sent_at.append(fake.now())
        real_sleep(seconds)

    fake_clock.sleep = sleep  # type: ignore[method-assign]
    start = fake.now()
    with pytest.raises(ProviderError, match="HTTP 503"):
        provider.create({**ids, "completion_window": 30.0})
    assert cancel_sent_at and cancel_sent_at[0] - start <= 30.0 + 1e-6  # gave up polling at the window
    assert fake.now() - start <= 30.0 + waiting.CANCEL_CEILING + 1e-6  # then waited, bounded, for the cancel
    assert fake.runs_on(ids["thread_id"])[0]["status"] in ("cancelling", "cancelled")


def test_a_create_failing_after_the_run_exists_cancels_it(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=300.0))
    fake.inject(Fault(method="GET", path=CALLS["retrieve"][1], kind="status", status=403))
    with pytest.raises(ProviderError, match="HTTP 403"):
        provider.create({**ids, "completion_window": 60.0})
    assert fake.runs_on(ids["thread_id"])[0]["status"] in ("cancelling", "cancelled")


def test_persistent_rate_limits_on_create_give_up_within_the_window(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.inject(Fault(method="POST", path=CALLS["create"][1], kind="status", status=429, times=10_000))
    start = fake.now()
    with pytest.raises(ProviderError, match="HTTP 429"):
        provider.create({**ids, "completion_window": 45.0})
    assert fake.now() - start <= 45.0 + 1e-6
    assert fake.runs_on(ids["thread_id"]) == []
    assert fake.count("GET", CALLS["create"][1]) == 0  # a 429 was not processed: no look-up needed


@pytest.mark.parametrize("list_fault", [{"kind": "status", "status": 403, "times": 1},
                                        {"kind": "status", "status": 503, "times": 8}],
                         ids=["403 once", "503 for about the window"])
def test_a_create_that_fails_after_a_lost_response_still_cancels_the_run(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str], list_fault: dict[str, Any]) -> None:
    fake.script_runs(RunScript(duration=300.0))
    fake.inject(Fault(method="POST", path=CALLS["create"][1], kind="lose_response"))
    fake.inject(Fault(method="GET", path=CALLS["create"][1], **list_fault))  # the look-up for it fails
    with pytest.raises(ProviderError):
        provider.create({**ids, "completion_window": 30.0})
    [run] = fake.runs_on(ids["thread_id"])
    assert run["status"] in ("cancelling", "cancelled")  # the last look found it, and stopped it


@pytest.mark.slow
def test_a_late_processed_create_is_found_through_the_busy_thread() -> None:
    """A create that timed out is processed later: the retry meets our own run holding the thread."""
    with FakeOpenAI(clock="real") as live:
        live.default_script = RunScript(queued_for=0.05, duration=0.3)
        ids = {"assistant_id": live.create_assistant()["id"], "thread_id": live.create_thread()["id"]}
        live.inject(Fault(method="POST", path=CALLS["create"][1], kind="delay", delay=0.4))
        provider = configured_provider(live, **{"openai:requestTimeout": "0.2"})
        result = provider.create({**ids, "completion_window": 30.0})
        assert [r["id"] for r in live.runs_on(ids["thread_id"])] == [result.id]


def test_a_completed_run_whose_details_cannot_be_read_is_kept_and_refresh_reads_them(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.inject(Fault(method="GET", path=CALLS["list steps"][1], kind="status", status=403))
    created = provider.create({**ids, "completion_window": 60.0})
    assert created.outs["status"] == "completed" and created.outs["steps"] == []  # recorded, not lost
    refreshed = provider.read(created.id, dict(created.outs))
    assert refreshed.outs is not None and refreshed.outs["steps"] and refreshed.outs["reply"]
    assert len(fake.runs_on(ids["thread_id"])) == 1


def test_a_run_found_finished_by_a_create_without_a_window_gets_its_details_on_refresh(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(queued_for=0.0, duration=0.0))
    fake.inject(Fault(method="POST", path=CALLS["create"][1], kind="lose_response"))
    created = provider.create(dict(ids))  # the look-up finds it already completed
    assert created.outs["status"] == "completed" and created.outs["steps"] == []
    refreshed = provider.read(created.id, dict(created.outs))
    assert refreshed.outs is not None and refreshed.outs["reply"] == "Hello from the fake assistant."
