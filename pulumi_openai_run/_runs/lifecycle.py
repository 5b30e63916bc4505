"""The Run's lifecycle rules, the same for every API backend.

create: start the run, wait as :class:`~pulumi_openai_run._runs.fields.Waiting` says, succeed on
completed/incomplete, fail on failed/expired/cancelled; cancel first on requires_action, on an elapsed
window and on any error after the run exists, so that nothing a failed ``pulumi up`` started keeps
running and billing. When that cancel fails too, or cannot be confirmed, the one error raised says both,
and how to stop the run by hand (:func:`_stop_after`, the one place that composes them; the words are
``_core/errors.py``'s and the run's API's).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from pulumi_openai_run._core import interrupt
from pulumi_openai_run._core.errors import (
    ApiError,
    Ending,
    RunError,
    RunFailedError,
    RunInterruptedError,
    RunRequiresActionError,
    RunWindowElapsedError,
    StopFailedError,
    run_on,
    still_running,
)
from pulumi_openai_run._core.waiting import (
    CANCEL_CEILING,
    LAST_LOOK_CEILING,
    TRANSIENT_RETRY_CEILING,
    Deadline,
    Interrupted,
    Polled,
    WindowElapsed,
    poll_until,
)
from pulumi_openai_run._runs.backend import Create, RunBackend, RunDetails, RunRef, RunView
from pulumi_openai_run._runs.fields import RunInputs, Waiting
from pulumi_openai_run._runs.identity import CreateMarker
from pulumi_openai_run._runs.journal import Journal

_log = logging.getLogger("pulumi_openai_run")

PROGRESS_EVERY = 5.0
"""Seconds between two progress lines of an awaited run whose status stays the same."""


class _Progress:
    """Logs an awaited run's status at INFO on the ``pulumi_openai_run`` logger: ``Response resp_1 on
    conversation conv_1: in_progress, 12 s``, when the status changes and every :data:`PROGRESS_EVERY` seconds
    while it stays."""

    def __init__(self, backend: RunBackend, ref: RunRef) -> None:
        self._what = run_on(backend.api, ref.run_id, ref.thread_id)
        self._started = self._logged_at = time.monotonic()
        self._status: str | None = None

    def saw(self, view: RunView) -> None:
        now = time.monotonic()
        if view.status != self._status or now - self._logged_at >= PROGRESS_EVERY:
            self._status, self._logged_at = view.status, now
            _log.info("%s: %s, %d s", self._what, view.status, round(now - self._started))


def create(backend: RunBackend, inputs: RunInputs, marker: CreateMarker, api: str,
           journal: Journal | None = None) -> tuple[RunView, RunDetails]:
    """Start a run (or adopt the one an interrupted earlier attempt at this create started) and, when
    asked to wait, see it through. Returns the run and what it did."""
    waiting = Waiting.of(inputs)
    window = waiting.window
    thread_id = inputs["thread_id"]
    if interrupt.interrupted():  # the engine is shutting down: start nothing new
        raise RunInterruptedError.not_started(backend.api, str(thread_id))
    deadline = Deadline(waiting.create_budget)
    journal = journal if journal is not None else Journal()
    named: list[str] = []

    def on_named(run_id: str) -> None:
        named.append(run_id)
        journal.record(marker, api, run_id, thread_id)

    attempt = Create(inputs, marker, window, on_named)
    before: set[str] = set()  # runs with this marker that existed before this create (an earlier lifetime's)
    may_still_run = False
    try:
        try:
            view = _adopted(backend, attempt, journal, deadline, before)
            if view is None:
                view = backend.follow(attempt, deadline) if waiting.follow_stream else backend.start(attempt, deadline)
        except Interrupted:  # before the create returned: a run the API named is stopped all the same
            if named:
                raise _cancel_interrupted(backend, RunRef(named[-1], thread_id)) from None
            raise RunInterruptedError.unknown(backend.api, str(thread_id)) from None
        if window is None:
            _stop_duplicates(backend, attempt, view, before)
            return view, RunDetails()
        ref = RunRef(view.id, thread_id)
        try:
            if not _settled(backend, view):
                progress = _Progress(backend, ref)
                progress.saw(view)

                def poll() -> tuple[RunView, Polled]:
                    polled = _poll(backend, ref, deadline)
                    progress.saw(polled[0])
                    return polled

                view = poll_until(poll, deadline, seen=Polled(done=False, poll_after=view.poll_after))
            _stop_duplicates(backend, attempt, view, before)
            return view, _conclude(backend, ref, view, window)
        except Interrupted:
            raise _cancel_interrupted(backend, ref) from None
        except WindowElapsed as elapsed:
            status = elapsed.last.status if isinstance(elapsed.last, RunView) else view.status
            raise _stop_after(backend, ref, lambda cancelled: RunWindowElapsedError.of(
                backend.api, ref.run_id, ref.thread_id, window, status, cancelled=cancelled)) from None
        except RunError:  # concluded: the run ended by itself, or _conclude stopped it and said how that went
            raise
        except Exception as error:  # any other error after the run exists (a lost network, an API error)
            raise _stop_after(backend, ref, partial(_and_stopped, backend, ref, error)) from error
        except BaseException as interrupted:  # Ctrl-C, an exit: stop the run all the same, and let it through
            try:
                stop(backend, ref, probably_active=True)
            except StopFailedError as failed:
                may_still_run = True
                _note(interrupted, str(still_running(backend.api, "", failed, in_stack=False)))
            raise
    except BaseException as error:
        may_still_run = may_still_run or (isinstance(error, RunError) and error.may_still_run)
        raise
    finally:
        # the create is over: the engine's state records its run, or the run was stopped. One that may still
        # be running keeps its entry, so that the next attempt at this create finds it (and adopts or stops it)
        if not may_still_run:
            journal.forget(marker.token)


ADOPTABLE_ENDINGS = frozenset({"completed", "incomplete"})
"""Endings of a run an earlier attempt made that are worth adopting (a failed or cancelled one is not:
a new attempt must run again)."""


def _adopted(backend: RunBackend, attempt: Create, journal: Journal, deadline: Deadline,
             before: set[str]) -> RunView | None:
    """The run an earlier, interrupted attempt at this create started, if one exists and can be adopted;
    runs that such attempts made with other inputs are stopped first (nothing records them).

    A finished run is adopted only when the journal names it: a resource destroyed and created again starts
    over at the same generation, and its earlier lifetime's finished runs carry the same marker. The ids of
    the runs seen go into ``before``."""
    if not attempt.marker.derived:
        return None
    entries = journal.entries(attempt.marker)
    earlier = backend.earlier(attempt, entries, deadline)
    before.update(view.id for view in earlier.mine)
    journaled = {entry.run_id for entry in entries}
    thread_id = attempt.inputs["thread_id"]
    for stray in earlier.strays:
        if stray.status in backend.active:
            _stop_unrecorded(backend, thread_id, stray, (
                "an interrupted `pulumi up` started it for this resource with other inputs, and no state "
                "records it"))
    usable = [view for view in earlier.mine
              if view.status in backend.active or (view.status in ADOPTABLE_ENDINGS and view.id in journaled)]
    if not usable:
        return None
    chosen, *others = sorted(usable, key=_progress, reverse=True)
    for other in others:
        _stop_duplicate(backend, thread_id, other, chosen)
    _log.warning("Adopted %s %s on %s %s (%s): an interrupted `pulumi up` started it for this resource with "
                 "these inputs, so it is recorded instead of starting a second one.", backend.api.run_word,
                 chosen.id, backend.api.thread_word, thread_id, chosen.status)
    attempt.on_named(chosen.id)
    return chosen


def _stop_duplicates(backend: RunBackend, attempt: Create, kept: RunView, before: set[str]) -> None:
    """After a create that followed an unknown outcome, look once more: a request processed late may have
    made a second run with the same marker. Stop it (the one kept is the one state records); the runs seen
    ``before`` the create are not its doing."""
    if not attempt.unsure or not attempt.marker.derived:
        return
    with contextlib.suppress(Exception):  # the look is a safety net; the run kept is the create's result
        earlier = backend.earlier(attempt, (), Deadline(LAST_LOOK_CEILING))
        for other in earlier.mine:
            if other.id != kept.id and other.id not in before:
                _stop_duplicate(backend, attempt.inputs["thread_id"], other, kept)


def _stop_duplicate(backend: RunBackend, thread_id: str, duplicate: RunView, kept: RunView) -> None:
    words = backend.api
    said = (f"{words.run_word.capitalize()} {duplicate.id} on {words.thread_word} {thread_id} duplicates "
            f"{kept.id} (a request whose answer was lost was processed after all)")
    if duplicate.status not in backend.active:
        _log.warning("%s; it had already %s, and %s is the one recorded.", said, duplicate.status, kept.id)
        return
    problem = _stopped_or_why(backend, thread_id, duplicate)
    _log.warning("%s; %s, and %s is the one recorded.", said,
                 "it was cancelled" if problem is None else f"stopping it failed: {problem}", kept.id)


def _stop_unrecorded(backend: RunBackend, thread_id: str, view: RunView, why: str) -> None:
    """Stop a run no state records, and say so; a stop that fails is said too (the create goes on)."""
    words = backend.api
    problem = _stopped_or_why(backend, thread_id, view)
    if problem is None:
        _log.warning("Cancelled %s %s on %s %s: %s.", words.run_word, view.id, words.thread_word, thread_id, why)
    else:
        _log.warning("Could not cancel %s %s on %s %s (%s): %s", words.run_word, view.id, words.thread_word,
                     thread_id, why, problem)


def _stopped_or_why(backend: RunBackend, thread_id: str, view: RunView) -> str | None:
    """Stop ``view``'s run; ``None`` when it stopped, else what the user must know (it may still run)."""
    try:
        stop(backend, RunRef(view.id, thread_id), probably_active=True)
    except StopFailedError as failed:
        return str(still_running(backend.api, "", failed, in_stack=False))
    return None


def _progress(view: RunView) -> tuple[bool, bool]:
    """How far a run got, to keep the one furthest along: finished well first, then running."""
    return view.status in ADOPTABLE_ENDINGS, view.status not in ("queued",)


def _cancel_interrupted(backend: RunBackend, ref: RunRef) -> RunInterruptedError:
    """The error of a create that was interrupted while its run ran, once the run is cancelled and the
    cancel confirmed (within CANCEL_CEILING: these waits are not cut short by the interruption)."""
    with interrupt.uninterruptible():
        try:
            stop(backend, ref, probably_active=True)
            now = backend.get(ref, Deadline(CANCEL_CEILING))
        except Exception as error:
            return RunInterruptedError.unconfirmed(backend.api, ref.run_id, ref.thread_id, str(error).rstrip("."))
    if now is not None and now.status in backend.active:
        return RunInterruptedError.unconfirmed(backend.api, ref.run_id, ref.thread_id, f"it is still {now.status}")
    return RunInterruptedError.cancelled(backend.api, ref.run_id, ref.thread_id, now.status if now else "gone")


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
    """Stop the run if it still runs, then delete what the API stores of it. A stop that fails says the run
    may still be running, and how to stop it (it stays in the stack: destroying again retries)."""
    try:
        stop(backend, ref)
    except StopFailedError as failed:
        raise still_running(backend.api, "", failed, in_stack=True) from None
    backend.delete_stored(ref, Deadline(TRANSIENT_RETRY_CEILING))


def stop(backend: RunBackend, ref: RunRef, probably_active: bool = False) -> RunView | None:
    """Cancel the run if it still runs, and wait until the server reports it stopped; returns the run as last
    seen (``None``: gone). Raises :class:`StopFailedError` when it may still be running: the look before the
    cancel or the cancel failed (after the Caller's retries), or the API took the cancel but the run was not
    seen to stop within :data:`CANCEL_CEILING`.

    ``probably_active``: skip the look before the cancel (a create that failed half-way knows its run
    may be running, and should not depend on one more successful GET to stop it).
    """
    deadline = Deadline(CANCEL_CEILING)
    try:
        if not probably_active:
            view = backend.get(ref, deadline)
            if view is None or view.status not in backend.active:
                return view
            if view.status == "cancelling":
                return _await_stopped(backend, ref, deadline)
        cancelled = backend.cancel(ref, deadline)
    except Exception as error:
        raise StopFailedError(str(error), ref.run_id, ref.thread_id) from error
    if cancelled is not None and cancelled.status in backend.active:
        return _await_stopped(backend, ref, deadline)
    return cancelled


def _await_stopped(backend: RunBackend, ref: RunRef, deadline: Deadline) -> RunView | None:
    def poll() -> tuple[RunView | None, Polled]:
        now = backend.get(ref, deadline)
        return now, Polled(done=now is None or now.status not in backend.active,
                           poll_after=now.poll_after if now else None)

    try:
        return poll_until(poll, deadline, seen=Polled(done=False))  # the cancel's answer was the first look
    except WindowElapsed as elapsed:
        status = elapsed.last.status if isinstance(elapsed.last, RunView) else "unknown"
        raise StopFailedError(
            f"the API took the cancel, but after {CANCEL_CEILING:g} s the {backend.api.run_word} is still "
            f"{status}.", ref.run_id, ref.thread_id) from None
    except Exception as error:
        raise StopFailedError(f"the API took the cancel, but could not confirm that it stopped: {error}",
                              ref.run_id, ref.thread_id) from error


def _stop_after(backend: RunBackend, ref: RunRef, failure: Callable[[bool], Exception]) -> Exception:
    """The one rule for a create that fails after its run exists: stop the run, then return the error to
    raise. ``failure(cancelled)`` is what failed, worded for whether the run was stopped; if stopping failed,
    or was not confirmed, the error goes on to say so, that the run may still be running, and how to stop it."""
    try:
        stop(backend, ref, probably_active=True)
    except StopFailedError as failed:
        return still_running(backend.api, str(failure(False)), failed, in_stack=False)
    return failure(True)


def _and_stopped(backend: RunBackend, ref: RunRef, error: Exception, cancelled: bool) -> Exception:
    """An error after the run exists, saying that the run was cancelled (when it was)."""
    if not cancelled:
        return error
    return ApiError(f"{str(error).rstrip()} {run_on(backend.api, ref.run_id, ref.thread_id)} was cancelled, "
                    "so nothing keeps running.")


def _note(error: BaseException, note: str) -> None:
    """Add ``note`` to the traceback of ``error`` (Python 3.11 on; older ones have nowhere to put it)."""
    add_note = getattr(error, "add_note", None)
    if add_note is not None:
        add_note(note)


def _settled(backend: RunBackend, view: RunView) -> bool:
    return view.status not in backend.active or view.status == "requires_action"


def _poll(backend: RunBackend, ref: RunRef, deadline: Deadline) -> tuple[RunView, Polled]:
    view = backend.get(ref, deadline)
    if view is None:
        raise ApiError(f"{run_on(backend.api, ref.run_id, ref.thread_id)} disappeared while it was awaited.")
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
        def requires_action(ending: Ending) -> RunRequiresActionError:
            return RunRequiresActionError.of(backend.api, view.id, ref.thread_id, window, view.pending_functions,
                                             ending)

        if view.status not in backend.active:  # a Response that called functions has ended
            raise requires_action("ended")
        raise _stop_after(backend, ref, lambda cancelled: requires_action("cancelled" if cancelled else "running"))
    raise RunFailedError.of(backend.api, view.id, ref.thread_id, view.status, view.outputs.get("last_error"))


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
