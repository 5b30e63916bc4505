"""A create whose answer was lost, processed by the service after its retry's run had ended (issue 12, point
2), on the fake's manual clock so the order is set: the retry's run ends at 1 s, the lost request is
processed at 1.75 s (``Fault(kind="late")``), before the provider's poll at 2 s or later sees the end.

Assistants: the last look after the create finds the second run by its marker and cancels it, keeping the
one recorded. Responses cannot be listed, and the second response's id was never answered: the last look
sees items newer than the recorded response's in the conversation, and says so in the log."""

from __future__ import annotations

import logging

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run.schema import CREATE_TOKEN_KEY
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, Fault, RunScript
from tests.apis import ASSISTANTS, RESPONSES

IDENTITY = {"__identity": "proj/dev/summary", "__generation": "0"}
RETRY = RunScript(queued_for=0.0, duration=1.0)  # made by the retry, at 0.25 to 0.5 s (the first backoff)


@pytest.mark.slow
def test_a_late_run_on_assistants_is_cancelled_and_the_recorded_one_kept(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock, caplog: pytest.LogCaptureFixture) -> None:
    ids = ASSISTANTS.seed(fake)
    fake.script_runs(RETRY, RunScript(queued_for=0.0, duration=300.0))
    fake.inject(Fault(method="POST", path=ASSISTANTS.create_path(ids["thread_id"]), kind="late", delay=1.75))
    with caplog.at_level(logging.WARNING, logger="pulumi_openai_run"):
        result = provider.create({**ids, "completion_window": 60.0, **IDENTITY})
    runs = {run["id"]: run for run in fake.runs_on(ids["thread_id"])}
    assert len(runs) == 2 and runs[result.id]["status"] == "completed" == result.outs["status"]
    [late] = [run for run_id, run in runs.items() if run_id != result.id]
    assert late["status"] == "cancelled"  # stopped: nothing bills on unrecorded
    assert late["metadata"][CREATE_TOKEN_KEY] == runs[result.id]["metadata"][CREATE_TOKEN_KEY]
    assert any(f"Run {late['id']}" in r.getMessage() and f"{result.id} is the one recorded" in r.getMessage()
               for r in caplog.records)


@pytest.mark.slow
def test_a_late_response_is_reported_with_its_marker(
        fake: FakeOpenAI, provider: RunProvider, fake_clock: FakeApiClock, caplog: pytest.LogCaptureFixture) -> None:
    ids = RESPONSES.seed(fake)
    fake.script_runs(RETRY, RunScript(queued_for=0.0, duration=0.0))
    fake.inject(Fault(method="POST", path="/responses", kind="late", delay=1.75))
    with caplog.at_level(logging.WARNING, logger="pulumi_openai_run"):
        result = provider.create({**ids, "completion_window": 60.0, **IDENTITY})
    responses = fake.responses_on(ids["thread_id"])
    assert len(responses) == 2 and responses[0]["id"] == result.id  # the late one ran after it, unrecorded
    assert responses[1]["status"] == "completed" and responses[1]["metadata"][CREATE_TOKEN_KEY] == (
        responses[0]["metadata"][CREATE_TOKEN_KEY])
    token = fake.response(result.id)["metadata"][CREATE_TOKEN_KEY]
    [warning] = [r.getMessage() for r in caplog.records if "newer than those of response" in r.getMessage()]
    assert result.id in warning and f"{CREATE_TOKEN_KEY}={token}" in warning
