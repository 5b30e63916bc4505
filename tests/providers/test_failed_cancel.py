"""A create or destroy whose stop fails for good, on the fake clock (the Caller retries a cancel's 500s for
120 s, which the clock passes at once): the error says what failed first, that stopping the run failed and
why, that it may still be running and how to stop it; the wait stays within its bounds. The same through
the engine, with a refused cancel: tests/engine/test_engine_failed_cancel.py."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._apis import APIS
from pulumi_openai_run._core.waiting import CANCEL_CEILING
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, Fault, RunScript
from tests.apis import ASSISTANTS, RESPONSES, ApiCase

RETRIEVE = {"assistants": r"/threads/[^/]+/runs/run_\w+", "responses": r"/responses/resp_\w+"}
TOOLS = [{"type": "function", "name": "lookup_order", "parameters": '{"type": "object"}'}]
SERVER_ERROR = "The server had an error while processing your request."


def words(api: ApiCase) -> tuple[str, str]:
    return ("Run", "thread") if api is ASSISTANTS else ("Response", "conversation")


def how_to_stop(api: ApiCase, run_id: str, thread_id: str) -> str:
    """The request that stops the run by hand, as the API's record words it (test_stop_failures checks it)."""
    return APIS[api.name].how_to_stop(run_id, thread_id)


def assert_says_it_may_still_run(message: str, api: ApiCase, run_id: str, thread_id: str, why: str) -> None:
    stopping = f"Stopping {words(api)[0].lower()} {run_id} failed: {why}"
    assert stopping in message
    assert message.index(stopping) < message.index("may still be running, and billing")
    assert message.endswith(f"with {how_to_stop(api, run_id, thread_id)}.")
    assert "was cancelled" not in message


@pytest.fixture
def start(fake: FakeOpenAI) -> float:
    return fake.now()


def test_an_elapsed_window_then_cancels_that_keep_failing(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock, api: ApiCase, api_ids: dict[str, str],
        start: float) -> None:
    fake.script_runs(RunScript(duration=600.0))
    fake.inject(Fault(method="POST", path=api.cancel, status=500, times=10_000))
    with pytest.raises(ProviderError) as caught:
        provider.create({**api_ids, "completion_window": 5.0})
    message, thread = str(caught.value), api_ids["thread_id"]
    [run] = api.runs_on(fake, thread)
    assert run["status"] == "in_progress"  # it really still runs
    assert fake.count("POST", api.cancel) > 2  # retried ...
    assert fake.now() - start <= 5.0 + CANCEL_CEILING + 1e-6  # ... within the cancel's bound, once
    run_word, thread_word = words(api)
    assert message.startswith(
        f"{run_word} {run['id']} on {thread_word} {thread} was still in_progress when completion_window (5 s) "
        f"elapsed. Raise completion_window")  # what failed first, intact, without claiming a cancel
    assert_says_it_may_still_run(message, api, str(run["id"]), thread,
                                 f"Could not cancel {run_word.lower()} {run['id']}: {SERVER_ERROR}")
    assert "(HTTP 500)." in message and "and is not in the stack (this create failed)" in message


def test_a_refused_poll_then_cancels_that_keep_failing(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock, api: ApiCase, api_ids: dict[str, str],
        start: float) -> None:
    fake.script_runs(RunScript(duration=600.0))
    fake.inject(Fault(method="GET", path=RETRIEVE[api.name], status=403, times=1))
    fake.inject(Fault(method="POST", path=api.cancel, status=500, times=10_000))
    with pytest.raises(ProviderError) as caught:
        provider.create({**api_ids, "completion_window": 60.0})
    message, thread = str(caught.value), api_ids["thread_id"]
    [run] = api.runs_on(fake, thread)
    assert run["status"] == "in_progress" and fake.count("POST", api.cancel) > 2
    assert fake.now() - start <= 60.0 + CANCEL_CEILING + 1e-6
    noun = words(api)[0].lower()
    assert re.match(rf"Could not retrieve {noun} {run['id']}: .* \(HTTP 403\)\. Stopping", message)
    assert_says_it_may_still_run(message, api, str(run["id"]), thread, f"Could not cancel {noun} {run['id']}")


def requires_action_whose_cancel_fails(fake: FakeOpenAI, provider: RunProvider,
                                        times: int) -> tuple[dict[str, str], dict[str, Any], str]:
    """A run that calls lookup_order, whose next ``times`` cancels get a 500: the ids, the run on the fake and
    the create's error."""
    ids = ASSISTANTS.seed(fake)
    fake.script_runs(RunScript(outcome="requires_action", function_name="lookup_order"))
    fake.inject(Fault(method="POST", path=ASSISTANTS.cancel, status=500, times=times))
    with pytest.raises(ProviderError) as caught:
        provider.create({**ids, "completion_window": 30.0, "tools": TOOLS})
    [run] = fake.runs_on(ids["thread_id"])
    return ids, run, str(caught.value)


def test_requires_action_whose_cancels_keep_failing_still_names_the_function(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock, start: float) -> None:
    ids, run, message = requires_action_whose_cancel_fails(fake, provider, times=10_000)
    assert run["status"] == "requires_action"
    assert fake.now() - start <= 30.0 + CANCEL_CEILING + 1e-6  # one stop, not a second one after it
    assert message.startswith(f"Run {run['id']} on thread {ids['thread_id']} requires action within "
                              "completion_window (30 s): it called lookup_order, and a Pulumi stack cannot answer "
                              "tool calls. Remove function tools")
    assert_says_it_may_still_run(message, ASSISTANTS, str(run["id"]), ids["thread_id"],
                                 f"Could not cancel run {run['id']}")


def test_requires_action_whose_first_cancel_fails_and_a_retry_cancels(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock) -> None:
    _, run, message = requires_action_whose_cancel_fails(fake, provider, times=3)
    assert run["status"] == "cancelled" and fake.count("POST", ASSISTANTS.cancel) == 4
    assert "it called lookup_order" in message and message.count("so the run was cancelled") == 1
    assert "Could not cancel" not in message and "may still be running" not in message


def test_an_api_error_then_a_cancel_taken_but_never_confirmed(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock, start: float) -> None:
    """The cancel is taken, and every look after it fails (503 for longer than the cancel's bound)."""
    ids = ASSISTANTS.seed(fake)
    fake.script_runs(RunScript(duration=600.0))
    fake.inject(Fault(method="GET", path=RETRIEVE["assistants"], status=403, times=1))
    fake.inject(Fault(method="GET", path=RETRIEVE["assistants"], status=503, times=10_000))
    with pytest.raises(ProviderError) as caught:
        provider.create({**ids, "completion_window": 60.0})
    message = str(caught.value)
    [run] = fake.runs_on(ids["thread_id"])
    assert fake.count("POST", ASSISTANTS.cancel) == 1 and run["status"] == "cancelled"  # unknown to us
    assert fake.now() - start <= 60.0 + CANCEL_CEILING + 1e-6
    assert re.match(rf"Could not retrieve run {run['id']}: .* \(HTTP 403\)\. Stopping", message)
    assert_says_it_may_still_run(message, ASSISTANTS, str(run["id"]), ids["thread_id"],
                                 "the API took the cancel, but could not confirm that it stopped: Could not "
                                 f"retrieve run {run['id']}")
    assert "(HTTP 503)." in message


def test_an_api_error_then_a_cancel_that_is_never_answered(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock, start: float) -> None:
    """Every cancel is processed, and its answer lost: the response is cancelled, but nothing said so."""
    ids = RESPONSES.seed(fake)
    fake.script_runs(RunScript(duration=600.0))
    fake.inject(Fault(method="GET", path=RETRIEVE["responses"], status=403, times=1))
    fake.inject(Fault(method="POST", path=RESPONSES.cancel, kind="lose_response", times=10_000))
    with pytest.raises(ProviderError) as caught:
        provider.create({**ids, "completion_window": 60.0})
    message = str(caught.value)
    [response] = fake.responses_on(ids["thread_id"])
    assert fake.count("POST", RESPONSES.cancel) > 2 and response["status"] == "cancelled"  # unknown to us
    assert fake.now() - start <= 60.0 + CANCEL_CEILING + 1e-6
    assert re.match(rf"Could not retrieve response {response['id']}: .* \(HTTP 403\)\. Stopping", message)
    assert_says_it_may_still_run(message, RESPONSES, str(response["id"]), ids["thread_id"],
                                 f"Could not cancel response {response['id']}")
    assert "The API did not answer in time, or at all" in message


def test_an_api_error_then_a_cancel_that_works_says_the_run_was_cancelled(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock, api: ApiCase,
        api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=600.0))
    fake.inject(Fault(method="GET", path=RETRIEVE[api.name], status=403, times=1))
    with pytest.raises(ProviderError) as caught:
        provider.create({**api_ids, "completion_window": 60.0})
    [run] = api.runs_on(fake, api_ids["thread_id"])
    assert run["status"] == "cancelled"
    run_word, thread_word = words(api)
    assert str(caught.value).endswith(
        f"(HTTP 403). {run_word} {run['id']} on {thread_word} {api_ids['thread_id']} was cancelled, so nothing "
        "keeps running.")


def test_destroy_whose_cancels_keep_failing(fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock,
                                            api: ApiCase, api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=600.0))
    created = provider.create(dict(api_ids))
    fake.inject(Fault(method="POST", path=api.cancel, status=500, times=10_000))
    start = fake.now()
    with pytest.raises(ProviderError) as caught:
        provider.delete(created.id, dict(created.outs or {}))
    message = str(caught.value)
    assert api.run(fake, created.id)["status"] in ("queued", "in_progress")
    assert fake.now() - start <= CANCEL_CEILING + 1e-6
    noun = words(api)[0].lower()
    assert message.startswith(f"Stopping {noun} {created.id} failed: Could not cancel {noun} {created.id}: ")
    assert "may still be running, and billing: run `pulumi destroy` again, or stop it by hand with " in message
    assert message.endswith(f"with {how_to_stop(api, created.id, api_ids['thread_id'])}.")


def test_a_failed_response_is_named_on_its_conversation(fake: FakeOpenAI, provider: RunProvider,
                                                        fake_clock: FakeApiClock) -> None:
    ids = RESPONSES.seed(fake)
    fake.script_runs(RunScript(outcome="failed", last_error={"code": "server_error", "message": "Overloaded."}))
    with pytest.raises(ProviderError) as caught:
        provider.create({**ids, "completion_window": 30.0})
    [response] = fake.responses_on(ids["thread_id"])
    assert str(caught.value) == (f"Response {response['id']} on conversation {ids['thread_id']} ended failed: "
                                 "server_error: Overloaded.")
