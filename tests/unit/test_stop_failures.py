"""The lifecycle's rule for a stop that fails, against a stub backend on a stepped clock: the endings the fake
cannot play (a run that stays cancelling past the cancel's bound, an interrupt whose stop fails), and the
words of each API in every message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from pulumi_openai_run._apis.assistants import ASSISTANTS
from pulumi_openai_run._apis.responses import RESPONSES
from pulumi_openai_run._core.errors import (
    ApiError,
    RunFailedError,
    RunRequiresActionError,
    RunStillRunningError,
    RunWindowElapsedError,
)
from pulumi_openai_run._core.waiting import CANCEL_CEILING
from pulumi_openai_run._runs import lifecycle
from pulumi_openai_run._runs.backend import Api, RunDetails, RunRef, RunView
from pulumi_openai_run._runs.fields import RUN_FIELDS
from pulumi_openai_run._runs.identity import marker_for
from tests.conftest import SteppedClock


class StubBackend:
    """Runs that stay as told: ``status`` after the create, ``cancelled`` after a cancel (or the error given)."""

    def __init__(self, api: Api, status: str = "in_progress", cancelled: str | Exception = "cancelled",
                 after_cancel: str | None = None) -> None:
        self.api = api
        self.active = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
        self.succeeded = frozenset({"completed", "incomplete"})
        self.status, self.cancelled, self.after_cancel = status, cancelled, after_cancel
        self.cancels = 0

    def view(self, status: str) -> RunView:
        return RunView(id=f"{self.api.run_prefix}1", status=status, outputs={}, pending_functions=["lookup_order"])

    def start(self, inputs: Any, deadline: Any) -> RunView:
        return self.view(self.status)

    follow = start

    def get(self, ref: RunRef, deadline: Any) -> RunView | None:
        return self.view(self.status)

    def cancel(self, ref: RunRef, deadline: Any) -> RunView | None:
        self.cancels += 1
        if isinstance(self.cancelled, Exception):
            raise self.cancelled
        self.status = self.after_cancel or self.cancelled
        return self.view(self.cancelled)

    def details(self, ref: RunRef, view: RunView, deadline: Any) -> RunDetails:
        return RunDetails()

    def set_metadata(self, ref: RunRef, metadata: Mapping[str, str], deadline: Any) -> RunView:
        raise NotImplementedError

    def delete_stored(self, ref: RunRef, deadline: Any) -> None:
        pass


def create(backend: StubBackend, run_inputs: Any) -> Any:
    """The lifecycle's create, with a marker of no identity (nothing earlier to look for)."""
    return lifecycle.create(backend, run_inputs, marker_for(RUN_FIELDS, run_inputs), backend.api.name)


def inputs(api: Api, window: float = 10.0) -> Any:
    return {"thread_id": f"{api.thread_prefix}1", "completion_window": window}


def test_a_run_still_cancelling_after_the_cancels_bound(stepped_clock: SteppedClock) -> None:
    backend = StubBackend(ASSISTANTS, cancelled="cancelling")  # taken, and it stays cancelling
    start = stepped_clock.now
    with pytest.raises(RunStillRunningError) as caught:
        create(backend, inputs(ASSISTANTS))
    assert str(caught.value) == (
        "Run run_1 on thread thread_1 was still in_progress when completion_window (10 s) elapsed. Raise "
        "completion_window, or leave it unset to create the run without waiting. Stopping run run_1 failed: the "
        f"API took the cancel, but after {CANCEL_CEILING:g} s the run is still cancelling. It may still be "
        "running, and billing, and is not in the stack (this create failed), so `pulumi destroy` cannot stop it: "
        "stop it by hand with POST <openai:baseUrl>/threads/thread_1/runs/run_1/cancel (header OpenAI-Beta: "
        "assistants=v2).")
    assert backend.cancels == 1 and stepped_clock.now - start <= 10.0 + CANCEL_CEILING


def test_destroy_of_a_run_that_stays_cancelling(stepped_clock: SteppedClock) -> None:
    backend = StubBackend(RESPONSES, status="cancelling")
    with pytest.raises(RunStillRunningError) as caught:
        lifecycle.destroy(backend, RunRef("resp_1", None))
    assert str(caught.value) == (
        f"Stopping response resp_1 failed: the API took the cancel, but after {CANCEL_CEILING:g} s the response "
        "is still cancelling. It may still be running, and billing: run `pulumi destroy` again, or stop it by "
        f"hand with {RESPONSES.how_to_stop('resp_1', None)}.")
    assert RESPONSES.how_to_stop("resp_1", None).startswith("POST ")
    assert "/responses/resp_1/cancel" in RESPONSES.how_to_stop("resp_1", None)
    assert backend.cancels == 0  # it was already cancelling: waited for, not cancelled again


def test_an_interrupt_whose_stop_fails_goes_through_with_a_note(stepped_clock: SteppedClock,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    backend = StubBackend(ASSISTANTS, cancelled=ApiError("Could not cancel run run_1: refused (HTTP 403)."))

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(lifecycle, "poll_until", interrupted)
    with pytest.raises(KeyboardInterrupt) as caught:
        create(backend, inputs(ASSISTANTS))
    assert backend.cancels == 1
    notes = getattr(caught.value, "__notes__", None)
    if hasattr(caught.value, "add_note"):  # Python 3.11 on
        assert notes and "Stopping run run_1 failed: Could not cancel run run_1: refused (HTTP 403)." in notes[0]


@pytest.mark.parametrize(("api", "subject"), [(ASSISTANTS, "Run run_1 on thread thread_1"),
                                              (RESPONSES, "Response resp_1 on conversation conv_1")])
def test_every_message_speaks_the_apis_words(api: Api, subject: str) -> None:
    run, thread = f"{api.run_prefix}1", f"{api.thread_prefix}1"
    word = api.run_word
    assert str(RunFailedError.of(api, run, thread, "failed", {"message": "Boom."})) == f"{subject} ended failed: Boom."
    assert str(RunFailedError.of(api, run, thread, "expired", None)).endswith(
        f"The API expires a {word} that is not done within 10 minutes.")
    assert str(RunWindowElapsedError.of(api, run, thread, 5.0, "queued")).startswith(
        f"{subject} was still queued when completion_window (5 s) elapsed, so it was cancelled.")
    assert str(RunRequiresActionError.of(api, run, thread, None, ["f"])).startswith(
        f"{subject} requires action: it called f, and a Pulumi stack cannot answer tool calls, so the {word} was "
        "cancelled.")
    assert "on thread conv_" not in str(RunFailedError.of(api, run, thread, "failed", None))
