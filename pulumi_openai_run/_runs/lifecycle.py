"""The Run's lifecycle rules, the same for every API backend.

create: start the run, wait within completion_window, succeed on completed/incomplete, fail on
failed/expired/cancelled; cancel first on requires_action, on an elapsed window and on any error
after the run exists, so that nothing a failed ``pulumi up`` started keeps running and billing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from pulumi_openai_run._core.errors import ApiError, RunFailedError, RunRequiresActionError, RunWindowElapsedError
from pulumi_openai_run._core.waiting import (
    BUSY_THREAD_CEILING,
    CANCEL_CEILING,
    TRANSIENT_RETRY_CEILING,
    Deadline,
    Polled,
    WindowElapsed,
    poll_until,
)
from pulumi_openai_run._runs.backend import RunBackend, RunView


def empty_details() -> dict[str, Any]:
    return {"steps": [], "file_ids": [], "reply": "", "message_ids": []}


def create(backend: RunBackend, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Start a run and, with a completion_window, see it through. Returns its id and outputs."""
    window = inputs.get("completion_window")
    window = float(window) if window else None  # 0, like absent, means: do not wait
    deadline = Deadline(window if window is not None else BUSY_THREAD_CEILING)
    follow = bool(inputs.get("stream_for_tool")) and window is not None
    view = backend.follow(inputs, deadline) if follow else backend.start(inputs, deadline)
    if window is None:
        return {"id": view.id, **view.outputs, **empty_details()}
    try:
        if not _settled(backend, view):
            view = poll_until(lambda: _poll(backend, inputs, view.id, deadline), deadline,
                              seen=Polled(done=False, poll_after=view.poll_after))
        return {"id": view.id, **view.outputs, **_conclude(backend, inputs, view, window)}
    except WindowElapsed as elapsed:
        status = elapsed.last.status if isinstance(elapsed.last, RunView) else view.status
        stop(backend, inputs, view.id, probably_active=True)
        raise RunWindowElapsedError.of(view.id, inputs["thread_id"], window, status) from None
    except (RunFailedError, RunRequiresActionError):
        raise
    except BaseException:
        with contextlib.suppress(Exception):  # the original error is the one to report
            stop(backend, inputs, view.id, probably_active=True)
        raise


def read(backend: RunBackend, run_id: str, props: Mapping[str, Any],
         inputs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The run's outputs and inputs as the server has them now, or ``None`` if it is gone.

    A finished run whose steps are already in ``props`` costs one request.
    """
    deadline = Deadline(TRANSIENT_RETRY_CEILING)
    view = backend.get(inputs, run_id, deadline)
    if view is None:
        return None
    outputs = {"id": view.id, **view.outputs, **_details(backend, inputs, view, props, deadline)}
    return outputs, backend.server_inputs(inputs, view)


def update_metadata(backend: RunBackend, run_id: str, props: Mapping[str, Any],
                    inputs: Mapping[str, Any]) -> dict[str, Any]:
    deadline = Deadline(TRANSIENT_RETRY_CEILING)
    view = backend.set_metadata(inputs, run_id, inputs.get("metadata") or {}, deadline)
    return {**view.outputs, **_details(backend, inputs, view, props, deadline)}


def stop(backend: RunBackend, inputs: Mapping[str, Any], run_id: str, probably_active: bool = False) -> None:
    """Cancel the run if it still runs, and wait until the server reports it stopped.

    ``probably_active``: skip the look before the cancel (a create that failed half-way knows its run
    may be running, and should not depend on one more successful GET to stop it).
    """
    deadline = Deadline(CANCEL_CEILING)
    if not probably_active:
        view = backend.get(inputs, run_id, deadline)
        if view is None or view.status not in backend.active:
            return
        if view.status == "cancelling":
            return _await_stopped(backend, inputs, run_id, deadline)
    cancelled = backend.cancel(inputs, run_id, deadline)
    if cancelled is not None and cancelled.status in backend.active:
        _await_stopped(backend, inputs, run_id, deadline)


def _await_stopped(backend: RunBackend, inputs: Mapping[str, Any], run_id: str, deadline: Deadline) -> None:
    def poll() -> tuple[RunView | None, Polled]:
        now = backend.get(inputs, run_id, deadline)
        return now, Polled(done=now is None or now.status not in backend.active,
                           poll_after=now.poll_after if now else None)

    try:
        poll_until(poll, deadline, seen=Polled(done=False))  # the cancel's answer was the first look
    except WindowElapsed as elapsed:
        status = elapsed.last.status if isinstance(elapsed.last, RunView) else "unknown"
        raise ApiError(
            f"Asked the API to cancel run {run_id} on thread {inputs['thread_id']}, but after "
            f"{CANCEL_CEILING:g} s it is still {status}. Check it, and cancel it by hand if needed."
        ) from None


def _settled(backend: RunBackend, view: RunView) -> bool:
    return view.status not in backend.active or view.status == "requires_action"


def _poll(backend: RunBackend, inputs: Mapping[str, Any], run_id: str,
          deadline: Deadline) -> tuple[RunView, Polled]:
    view = backend.get(inputs, run_id, deadline)
    if view is None:
        raise ApiError(f"Run {run_id} on thread {inputs['thread_id']} disappeared while it was awaited.")
    return view, Polled(done=_settled(backend, view), poll_after=view.poll_after)


def _conclude(backend: RunBackend, inputs: Mapping[str, Any], view: RunView,
              window: float) -> dict[str, Any]:
    """The details of a run that succeeded; for any other ending, stop it and raise."""
    thread_id = inputs["thread_id"]
    if view.status in backend.succeeded:
        try:
            return backend.details(inputs, view, Deadline(TRANSIENT_RETRY_CEILING))
        except Exception:
            # The run is done and billed: failing now would leave it out of the stack, and the next
            # `pulumi up` would run it again. Record it; the next refresh reads its steps and reply.
            return empty_details()
    if view.status == "requires_action":
        waiting_for_answer = view.status in backend.active  # a Response that called functions has ended
        if waiting_for_answer:
            stop(backend, inputs, view.id, probably_active=True)
        raise RunRequiresActionError.of(view.id, thread_id, window, view.pending_functions,
                                        cancelled=waiting_for_answer)
    raise RunFailedError.of(view.id, thread_id, view.status, view.outputs.get("last_error"))


def _details(backend: RunBackend, inputs: Mapping[str, Any], view: RunView,
             props: Mapping[str, Any], deadline: Deadline) -> dict[str, Any]:
    if view.status in backend.active:
        return empty_details()
    known = {k: props.get(k) for k in empty_details()}
    # A run that succeeded always has steps: empty ones were not read yet (a create that did not wait,
    # or whose read of the details failed), so read them now.
    read_already = bool(known["steps"]) or view.status not in backend.succeeded
    if props.get("status") == view.status and isinstance(known["steps"], list) and read_already:
        return {k: v if v is not None else empty_details()[k] for k, v in known.items()}
    return backend.details(inputs, view, deadline)
