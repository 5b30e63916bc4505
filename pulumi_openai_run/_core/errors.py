"""Errors a user sees when a run does not end well. Each names the run, its thread and the fix, in the words
of the run's API (a run on a thread, a response on a conversation).

When a create fails after its run exists, the lifecycle stops the run; when that stop fails too, or cannot be
confirmed, :func:`still_running` adds to the create's own error that the run may still be running and how to
stop it by hand. This module words every such message; ``_runs/lifecycle.py`` decides when.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Protocol


class RunWords(Protocol):
    """How an API names its runs and threads, and how to stop a run by hand (an ``Api`` record)."""

    @property
    def run_word(self) -> str:
        """``run``, ``response``."""

    @property
    def thread_word(self) -> str:
        """``thread``, ``conversation``."""

    def how_to_stop(self, run_id: str, thread_id: str | None) -> str:
        """The request that cancels the run, e.g. ``POST .../runs/run_1/cancel``."""


def run_on(words: RunWords, run_id: str, thread_id: str | None) -> str:
    """``Run run_1 on thread thread_1``, ``Response resp_1 on conversation conv_1``."""
    where = f" on {words.thread_word} {thread_id}" if thread_id else ""
    return f"{words.run_word.capitalize()} {run_id}{where}"


class RunError(Exception):
    """A run that did not succeed; ``pulumi up`` reports the message."""

    may_still_run = False
    """Whether the run may still be running (stopping it failed or was not confirmed)."""

    def __init__(self, message: str, run_id: str | None, status: str | None) -> None:
        super().__init__(message)
        self.run_id = run_id
        self.status = status


class RunFailedError(RunError):
    """The run ended failed, expired or cancelled."""

    @classmethod
    def of(cls, words: RunWords, run_id: str, thread_id: str | None, status: str,
           last_error: Mapping[str, Any] | None) -> RunFailedError:
        reason = ""
        if last_error:
            code, text = last_error.get("code"), last_error.get("message")
            text = str(text or "").rstrip(".")
            reason = f": {code}: {text}" if code else f": {text}"
        hint = {
            "expired": f" The API expires a {words.run_word} that is not done within 10 minutes.",
            "cancelled": " Someone or something cancelled it outside this stack.",
        }.get(status, "")
        return cls(f"{run_on(words, run_id, thread_id)} ended {status}{reason}.{hint}", run_id, status)


class RunWindowElapsedError(RunError):
    """The completion_window passed first; the run was cancelled (unless ``cancelled`` is false: stopping it
    failed, which :func:`still_running` then adds)."""

    @classmethod
    def of(cls, words: RunWords, run_id: str, thread_id: str | None, window: float, status: str,
           cancelled: bool = True) -> RunWindowElapsedError:
        so = ", so it was cancelled" if cancelled else ""
        return cls(
            f"{run_on(words, run_id, thread_id)} was still {status} when completion_window "
            f"({window:g} s) elapsed{so}. Raise completion_window, or leave it unset "
            f"to create the {words.run_word} without waiting.",
            run_id,
            status,
        )


Ending = Literal["cancelled", "ended", "running"]
"""What became of a run that requires action: cancelled; ended by itself (a response that called functions
has completed); or still running, since stopping it failed (:func:`still_running` says so)."""


class RunRequiresActionError(RunError):
    """The run called function tools that nobody answers; it was cancelled if it still waited."""

    @classmethod
    def of(cls, words: RunWords, run_id: str, thread_id: str | None, window: float | None, functions: list[str],
           ending: Ending = "cancelled") -> RunRequiresActionError:
        names = ", ".join(functions) or "a function tool"
        within = f" within completion_window ({window:g} s)" if window is not None else ""
        so = {"cancelled": f", so the {words.run_word} was cancelled",
              "ended": ", so its answer is incomplete (it has ended)",
              "running": ""}[ending]
        return cls(
            f"{run_on(words, run_id, thread_id)} requires action{within}: it called {names}, and a "
            f"Pulumi stack cannot answer tool calls{so}. Remove function tools "
            f"from the {words.run_word}, or answer them outside Pulumi.",
            run_id,
            "requires_action",
        )


class ApiError(Exception):
    """The API refused a request; the message is the API's own, with the call that failed."""


class StopFailedError(ApiError):
    """Stopping a run failed: the cancel failed, or the API took it but the run was not seen to stop.

    The message is why (the cancel's own error, or what the last look saw); :func:`still_running` words what
    the user reads."""

    def __init__(self, why: str, run_id: str, thread_id: str | None) -> None:
        super().__init__(why)
        self.run_id = run_id
        self.thread_id = thread_id


class RunStillRunningError(RunError):
    """Something failed, and stopping the run then failed too: it may still be running and billing."""

    may_still_run = True


def still_running(words: RunWords, failure: str, stopping: StopFailedError,
                  in_stack: bool) -> RunStillRunningError:
    """The one error for "``failure``, and then stopping the run failed": what failed first (``failure``,
    intact; empty when stopping was all there was to do, as in a destroy), then that stopping the run failed
    and why, that it may still be running, and how to stop it. ``in_stack``: the run is in the stack (a
    destroy), so destroying again retries; a failed create's run is not."""
    run_id, thread_id = stopping.run_id, stopping.thread_id
    then = (
        ": run `pulumi destroy` again, or stop it by hand" if in_stack
        else ", and is not in the stack (this create failed), so `pulumi destroy` cannot stop it: stop it by hand"
    )
    message = (
        f"Stopping {words.run_word} {run_id} failed: {stopping} It may still be running, and billing{then} "
        f"with {words.how_to_stop(run_id, thread_id)}."
    )
    return RunStillRunningError(f"{failure} {message}" if failure else message, run_id, None)


class RunInterruptedError(RunError):
    """A create that ``pulumi up``'s interruption (the engine's ``Cancel``) ended; says what became of its run."""

    WHY = "`pulumi up` was interrupted (Ctrl-C; the engine sent Cancel)"

    @classmethod
    def not_started(cls, words: RunWords, thread_id: str) -> RunInterruptedError:
        return cls(f"{cls.WHY} before this {words.run_word} was created on {words.thread_word} {thread_id}: "
                   "nothing was started.", None, None)

    @classmethod
    def unknown(cls, words: RunWords, thread_id: str) -> RunInterruptedError:
        run, thread = words.run_word, words.thread_word
        return cls(
            f"{cls.WHY} while this {run} was being created on {thread} {thread_id}, before the API named it, so "
            f"no {run} is recorded. Most likely none was made; if the API did make one, it is the newest on "
            f"{thread} {thread_id}: check, and cancel it if it is still running.", None, None)

    @classmethod
    def cancelled(cls, words: RunWords, run_id: str, thread_id: str | None, now: str) -> RunInterruptedError:
        ended = "the cancel is confirmed" if now in ("cancelled", "gone") else f"it ended {now} meanwhile"
        return cls(
            f"{run_on(words, run_id, thread_id)} was cancelled: {cls.WHY} while the {words.run_word} was awaited, "
            f"and {ended}. It is not recorded in the stack; `pulumi up` again starts a new {words.run_word}.",
            run_id, now)

    @classmethod
    def unconfirmed(cls, words: RunWords, run_id: str, thread_id: str | None, reason: str) -> RunInterruptedError:
        return cls._still_running(
            f"{cls.WHY} while {words.run_word} {run_id}{f' on {words.thread_word} {thread_id}' if thread_id else ''}"
            f" was awaited. It was asked to cancel, but that could not be confirmed ({reason}), so it may still be "
            f"running, and billing, and is not in the stack: stop it by hand with "
            f"{words.how_to_stop(run_id, thread_id)}.", run_id)

    @classmethod
    def _still_running(cls, message: str, run_id: str) -> RunInterruptedError:
        error = cls(message, run_id, None)
        error.may_still_run = True
        return error
