"""A create (or destroy) that fails and then cannot stop its run, through the real dynamic-provider server:
the one error `pulumi up` shows says what failed, that stopping the run failed too (and why), that the run
may still be running and billing, and how to stop it by hand; when stopping succeeds, only that the run was
cancelled. The fake's request log says what was really sent, and the fake's run what really happened.

A cancel that fails for good after the Caller's retries (a persistent 500) takes 120 s of backoff: here the
cancel is refused outright (403), which reads the same to the user; tests/providers/test_failed_cancel.py
plays the persistent 500s on the fake clock."""

from __future__ import annotations

import re

import pytest

from pulumi_openai_run._apis import APIS
from pulumi_openai_run.testing import FakeOpenAI, Fault, ProviderError, ProviderServer, RunScript
from tests.apis import ASSISTANTS, ApiCase
from tests.engine.conftest import API_KEY, RUN_URN, up

RETRIEVE = {"assistants": r"/threads/[^/]+/runs/run_\w+", "responses": r"/responses/resp_\w+"}
REFUSED = "This key may not cancel runs."
TOOLS = [{"type": "function", "name": "lookup_order", "parameters": '{"type": "object"}'}]
SLOW = RunScript(queued_for=0.05, duration=60.0)


def said(error: ProviderError) -> str:
    """What the user reads: the provider's message (the last line of the traceback the engine gets)."""
    assert API_KEY not in error.details
    return error.details.rstrip().rsplit("ProviderError: ", 1)[1]


def how_to_stop(api: ApiCase, run_id: str, thread_id: str) -> str:
    """The request that stops the run by hand, as the API's record words it (test_stop_failures checks it)."""
    return APIS[api.name].how_to_stop(run_id, thread_id)


def cancels(fake: FakeOpenAI, api: ApiCase, run_id: object, thread_id: str) -> int:
    """How many cancels of this run the fake got (the fake is the session's: other tests' runs are there too)."""
    path = f"/threads/{thread_id}/runs/{run_id}/cancel" if api is ASSISTANTS else f"/responses/{run_id}/cancel"
    return fake.count("POST", re.escape(path))


def only_run(api: ApiCase, fake: FakeOpenAI, thread_id: str) -> dict[str, object]:
    [run] = api.runs_on(fake, thread_id)
    return run


def assert_says_it_may_still_run(message: str, api: ApiCase, run_id: str, thread_id: str) -> None:
    assert f"Stopping {'run' if api is ASSISTANTS else 'response'} {run_id} failed" in message
    assert "may still be running" in message and how_to_stop(api, run_id, thread_id) in message
    assert "was cancelled" not in message


def test_an_elapsed_window_then_a_refused_cancel_says_both(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                           api: ApiCase, api_ids: dict[str, str]) -> None:
    fake.script_runs(SLOW)
    fake.inject(Fault(method="POST", path=api.cancel, status=500, times=1))  # retried ...
    fake.inject(Fault(method="POST", path=api.cancel, status=403, message=REFUSED, times=1))  # ... then refused
    with pytest.raises(ProviderError) as caught:
        up(engine, {**api_ids, "completion_window": 0.5, "__provider": blob})
    message, thread = said(caught.value), api_ids["thread_id"]
    run = only_run(api, fake, thread)
    assert run["status"] == "in_progress"  # it really still runs
    assert cancels(fake, api, run["id"], thread) == 2
    window, stopping = message.index("when completion_window (0.5 s) elapsed"), message.index(f"{REFUSED} (HTTP 403)")
    assert message.startswith(f"{'Run' if api is ASSISTANTS else 'Response'} {run['id']} on "
                              f"{'thread' if api is ASSISTANTS else 'conversation'} {thread} was still")
    assert window < stopping  # what failed comes first, then why stopping it failed
    assert_says_it_may_still_run(message, api, str(run["id"]), thread)


def test_a_refused_poll_then_a_refused_cancel_says_both(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                        api: ApiCase, api_ids: dict[str, str]) -> None:
    fake.script_runs(SLOW)
    fake.inject(Fault(method="GET", path=RETRIEVE[api.name], status=403, times=1))
    fake.inject(Fault(method="POST", path=api.cancel, status=500, times=1))
    fake.inject(Fault(method="POST", path=api.cancel, status=403, message=REFUSED, times=1))
    with pytest.raises(ProviderError) as caught:
        up(engine, {**api_ids, "completion_window": 30.0, "__provider": blob})
    message, thread = said(caught.value), api_ids["thread_id"]
    run = only_run(api, fake, thread)
    assert run["status"] in ("queued", "in_progress") and cancels(fake, api, run["id"], thread) == 2
    noun = "run" if api is ASSISTANTS else "response"
    assert message.startswith(f"Could not retrieve {noun} {run['id']}: ")
    assert message.index("(HTTP 403)") < message.index(REFUSED)  # the poll's error first, the cancel's after
    assert_says_it_may_still_run(message, api, str(run["id"]), thread)


def test_requires_action_with_a_first_cancel_that_fails_and_a_retry_that_cancels(
        engine: ProviderServer, fake: FakeOpenAI, blob: str) -> None:
    ids = ASSISTANTS.seed(fake)
    fake.script_runs(RunScript(outcome="requires_action", function_name="lookup_order", queued_for=0.05,
                               duration=0.1))
    fake.inject(Fault(method="POST", path=ASSISTANTS.cancel, status=500, times=1))
    with pytest.raises(ProviderError) as caught:
        up(engine, {**ids, "completion_window": 30.0, "tools": TOOLS, "__provider": blob})
    message = said(caught.value)
    run = only_run(ASSISTANTS, fake, ids["thread_id"])
    assert run["status"] in ("cancelling", "cancelled") and cancels(fake, ASSISTANTS, run["id"], ids["thread_id"]) == 2
    assert "it called lookup_order" in message and "so the run was cancelled" in message
    assert "Could not cancel" not in message and "may still be running" not in message


def test_requires_action_with_a_refused_cancel_names_the_function_and_how_to_stop(
        engine: ProviderServer, fake: FakeOpenAI, blob: str) -> None:
    ids = ASSISTANTS.seed(fake)
    fake.script_runs(RunScript(outcome="requires_action", function_name="lookup_order", queued_for=0.05,
                               duration=0.1))
    fake.inject(Fault(method="POST", path=ASSISTANTS.cancel, status=403, message=REFUSED, times=1))
    with pytest.raises(ProviderError) as caught:
        up(engine, {**ids, "completion_window": 30.0, "tools": TOOLS, "__provider": blob})
    message = said(caught.value)
    run = only_run(ASSISTANTS, fake, ids["thread_id"])
    assert run["status"] == "requires_action"  # one stop, refused: it waits for its answer still
    assert cancels(fake, ASSISTANTS, run["id"], ids["thread_id"]) == 1
    assert message.startswith(f"Run {run['id']} on thread {ids['thread_id']} requires action")
    assert message.index("it called lookup_order") < message.index(REFUSED)
    assert_says_it_may_still_run(message, ASSISTANTS, str(run["id"]), ids["thread_id"])


def test_an_api_error_while_waiting_then_a_cancel_that_cannot_be_confirmed(
        engine: ProviderServer, fake: FakeOpenAI, blob: str) -> None:
    """The cancel is accepted (cancelling), but the look that would confirm the run stopped is refused too."""
    ids = ASSISTANTS.seed(fake)
    fake.script_runs(SLOW)
    fake.inject(Fault(method="GET", path=rf"/threads/{ids['thread_id']}/runs/run_\w+", status=403, times=2))
    with pytest.raises(ProviderError) as caught:
        up(engine, {**ids, "completion_window": 30.0, "__provider": blob})
    message = said(caught.value)
    run = only_run(ASSISTANTS, fake, ids["thread_id"])
    assert cancels(fake, ASSISTANTS, run["id"], ids["thread_id"]) == 1 and run["status"] in ("cancelling", "cancelled")
    assert message.startswith(f"Could not retrieve run {run['id']}: ")
    assert f"Stopping run {run['id']} failed: the API took the cancel, but could not confirm that it stopped" in message
    assert message.count("(HTTP 403)") == 2  # the poll's error, then the confirming look's
    assert "may still be running" in message and how_to_stop(ASSISTANTS, str(run["id"]), ids["thread_id"]) in message


def test_destroy_whose_cancel_is_refused_says_the_run_may_still_run(
        engine: ProviderServer, fake: FakeOpenAI, blob: str, api: ApiCase, api_ids: dict[str, str]) -> None:
    fake.script_runs(SLOW)
    run_id, state = up(engine, {**api_ids, "api": api.name, "__provider": blob})
    fake.inject(Fault(method="POST", path=api.cancel, status=403, message=REFUSED, times=1))
    with pytest.raises(ProviderError) as caught:
        engine.delete(RUN_URN, run_id, state)
    message = said(caught.value)
    assert api.run(fake, run_id)["status"] in ("queued", "in_progress")  # still there, still running
    assert cancels(fake, api, run_id, api_ids["thread_id"]) == 1
    assert_says_it_may_still_run(message, api, run_id, api_ids["thread_id"])
    assert "pulumi destroy" in message  # it is still in the stack: destroying again retries
