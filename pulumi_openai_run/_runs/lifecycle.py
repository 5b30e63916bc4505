"""The Run's lifecycle rules, the same for every API backend.

create: start the run, wait as :class:`~pulumi_openai_run._runs.fields.Waiting` says, succeed on
completed/incomplete, fail on failed/expired/cancelled; cancel first on requires_action, on an elapsed
window and on any error after the run exists, so that nothing a failed ``pulumi up`` started keeps
running and billing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from pulumi_openai_run._core import interrupt
from pulumi_openai_run._core.errors import ApiError, RunFailedError, RunRequiresActionError, RunWindowElapsedError
from pulumi_openai_run._core.interrupt import RunInterruptedError
from pulumi_openai_run._core.waiting import (
    CANCEL_CEILING,
    TRANSIENT_RETRY_CEILING,
    Deadline,
    Interrupted,
    Polled,
    WindowElapsed,
    poll_until,
)
from pulumi_openai_run._runs.backend import RunBackend, RunDetails, RunRef, RunView
from pulumi_openai_run._runs.fields import RunInputs, Waiting


def create(backend: RunBackend, inputs: RunInputs) -> tuple[RunView, RunDetails]:
    """Start a run and, when asked to wait, see it through. Returns the run and what it did."""
    waiting = Waiting.of(inputs)
    if interrupt.interrupted():  # the engine is shutting down: start nothing new
        raise RunInterruptedError.not_started(str(inputs["thread_id"]))
    deadline = Deadline(waiting.create_budget)
    try:
        view = backend.follow(inputs, deadline) if waiting.follow_stream else backend.start(inputs, deadline)
    except Interrupted:
        raise RunInterruptedError.unknown(str(inputs["thread_id"])) from None
    if waiting.window is None:
        return view, RunDetails()
    ref = RunRef(view.id, inputs["thread_id"])
    try:
        if not _settled(backend, view):
            view = poll_until(lambda: _poll(backend, ref, deadline), deadline,
                              seen=Polled(done=False, poll_after=view.poll_after))
        return view, _conclude(backend, ref, view, waiting.window)
    except Interrupted:
        raise _cancel_interrupted(backend, ref) from None
    except WindowElapsed as elapsed:
        status = elapsed.last.status if isinstance(elapsed.last, RunView) else view.status
        stop(backend, ref, probably_active=True)
        raise RunWindowElapsedError.of(view.id, inputs["thread_id"], waiting.window, status) from None
    except (RunFailedError, RunRequiresActionError):
        raise
    except BaseException:
        with contextlib.suppress(Exception):  # the original error is the one to report
            stop(backend, ref, probably_active=True)
        raise


def _cancel_interrupted(backend: RunBackend, ref: RunRef) -> RunInterruptedError:
    """The error of a create that was interrupted while its run ran, once the run is cancelled and the
    cancel confirmed (within CANCEL_CEILING: these waits are not cut short by the interruption)."""
    with interrupt.uninterruptible():
        try:
            stop(backend, ref, probably_active=True)
            now = backend.get(ref, Deadline(CANCEL_CEILING))
        except Exception as error:
            return RunInterruptedError.unconfirmed(ref.run_id, str(ref.thread_id), str(error).rstrip("."))
    if now is not None and now.status in backend.active:
        return RunInterruptedError.unconfirmed(ref.run_id, str(ref.thread_id), f"it is still {now.status}")
    return RunInterruptedError.cancelled(ref.run_id, str(ref.thread_id), now.status if now else "gone")


def read(backend: RunBackend, ref: RunRef, props: Mapping[str, Any]) -> tuple[RunView, RunDetails] | None:
    """The run now and what it did, or ``None`` if it is gone. A finished run whose details are already in
    ``props`` (prior state) costs one request."""
    deadline = Deadline(TRANSIENT_RETRY_CEILING)
    view = backend.get(ref, deadline)
    if view is None:
        return None
    return view, _details(backend, ref, view, props, deadline)


def update_metadata(backend: RunBackend, ref: RunRef, props: Mapping[str, Any],
                    metadata: Mapping[str, str]) -> tuple[RunView, RunDetails]:
    deadline = Deadline(TRANSIENT_RETRY_CEILING)
    view = backend.set_metadata(ref, metadata, deadline)
    return view, _details(backend, ref, view, props, deadline)


def destroy(backend: RunBackend, ref: RunRef) -> None:
    """Stop the run if it still runs, then delete what the API stores of it."""
    stop(backend, ref)
    backend.delete_stored(ref, Deadline(TRANSIENT_RETRY_CEILING))


def stop(backend: RunBackend, ref: RunRef, probably_active: bool = False) -> None:
    """Cancel the run if it still runs, and wait until the server reports it stopped.

    ``probably_active``: skip the look before the cancel (a create that failed half-way knows its run
    may be running, and should not depend on one more successful GET to stop it).
    """
    deadline = Deadline(CANCEL_CEILING)
    if not probably_active:
        view = backend.get(ref, deadline)
        if view is None or view.status not in backend.active:
            return
        if view.status == "cancelling":
            return _await_stopped(backend, ref, deadline)
    cancelled = backend.cancel(ref, deadline)
    if cancelled is not None and cancelled.status in backend.active:
        _await_stopped(backend, ref, deadline)


def _await_stopped(backend: RunBackend, ref: RunRef, deadline: Deadline) -> None:
    def poll() -> tuple[RunView | None, Polled]:
        now = backend.get(ref, deadline)
        return now, Polled(done=now is None or now.status not in backend.active,
                           poll_after=now.poll_after if now else None)

    try:
        poll_until(poll, deadline, seen=Polled(done=False))  # the cancel's answer was the first look
    except WindowElapsed as elapsed:
        status = elapsed.last.status if isinstance(elapsed.last, RunView) else "unknown"
        raise ApiError(
            f"Asked the API to cancel run {ref.run_id} on thread {ref.thread_id}, but after "
            f"{CANCEL_CEILING:g} s it is still {status}. Check it, and cancel it by hand if needed."
        ) from None


def _settled(backend: RunBackend, view: RunView) -> bool:
    return view.status not in backend.active or view.status == "requires_action"


def _poll(backend: RunBackend, ref: RunRef, deadline: Deadline) -> tuple[RunView, Polled]:
    view = backend.get(ref, deadline)
    if view is None:
        raise ApiError(f"Run {ref.run_id} on thread {ref.thread_id} disappeared while it was awaited.")
    return view, Polled(done=_settled(backend, view), poll_after=view.poll_after)


def _conclude(backend: RunBackend, ref: RunRef, view: RunView, window: float) -> RunDetails:
    """The details of a run that succeeded; for any other ending, stop it and raise."""
    if view.status in backend.succeeded:
        try:
            return backend.details(ref, view, Deadline(TRANSIENT_RETRY_CEILING))
        except Exception:
            # The run is done and billed: failing now would leave it out of the stack, and the next
            # `pulumi up` would run it again. Record it; the next refresh reads its steps and reply.
            return RunDetails()
    if view.status == "requires_action":
        waiting_for_answer = view.status in backend.active  # a Response that called functions has ended
        if waiting_for_answer:
            stop(backend, ref, probably_active=True)
        raise RunRequiresActionError.of(view.id, str(ref.thread_id), window, view.pending_functions,
                                        cancelled=waiting_for_answer)
    raise RunFailedError.of(view.id, str(ref.thread_id), view.status, view.outputs.get("last_error"))


def _details(backend: RunBackend, ref: RunRef, view: RunView, props: Mapping[str, Any],
             deadline: Deadline) -> RunDetails:
    if view.status in backend.active:
        return RunDetails()
    known = RunDetails.in_state(props)
    # A run that succeeded always has steps: empty ones were not read yet (a create that did not wait,
    # or whose read of the details failed), so read them now.
    read_already = known is not None and (bool(known.steps) or view.status not in backend.succeeded)
    if props.get("status") == view.status and known is not None and read_already:
        return known
    return backend.details(ref, view, deadline)
