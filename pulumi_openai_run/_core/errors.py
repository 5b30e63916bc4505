"""Errors a user sees when a run does not end well. Each names the run, its thread and the fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class RunError(Exception):
    """A run that did not succeed; ``pulumi up`` reports the message."""

    def __init__(self, message: str, run_id: str | None, status: str | None) -> None:
        super().__init__(message)
        self.run_id = run_id
        self.status = status


class RunFailedError(RunError):
    """The run ended failed, expired or cancelled."""

    @classmethod
    def of(cls, run_id: str, thread_id: str, status: str, last_error: Mapping[str, Any] | None) -> RunFailedError:
        reason = ""
        if last_error:
            code, text = last_error.get("code"), last_error.get("message")
            text = str(text or "").rstrip(".")
            reason = f": {code}: {text}" if code else f": {text}"
        hint = {
            "expired": " The API expires a run that is not done within 10 minutes.",
            "cancelled": " Someone or something cancelled it outside this stack.",
        }.get(status, "")
        return cls(f"Run {run_id} on thread {thread_id} ended {status}{reason}.{hint}", run_id, status)


class RunWindowElapsedError(RunError):
    """The completion_window passed first; the run was cancelled."""

    @classmethod
    def of(cls, run_id: str, thread_id: str, window: float, status: str) -> RunWindowElapsedError:
        return cls(
            f"Run {run_id} on thread {thread_id} was still {status} when completion_window "
            f"({window:g} s) elapsed, so it was cancelled. Raise completion_window, or leave it unset "
            "to create the run without waiting.",
            run_id,
            status,
        )


class RunRequiresActionError(RunError):
    """The run called function tools that nobody answers; it was cancelled if it still waited."""

    @classmethod
    def of(cls, run_id: str, thread_id: str, window: float | None, functions: list[str],
           cancelled: bool = True) -> RunRequiresActionError:
        names = ", ".join(functions) or "a function tool"
        within = f" within completion_window ({window:g} s)" if window is not None else ""
        ending = "so the run was cancelled" if cancelled else "so its answer is incomplete (it has ended)"
        return cls(
            f"Run {run_id} on thread {thread_id} requires action{within}: it called {names}, and a "
            f"Pulumi stack cannot answer tool calls, {ending}. Remove function tools "
            "from the run, or answer them outside Pulumi.",
            run_id,
            "requires_action",
        )


class ApiError(Exception):
    """The API refused a request; the message is the API's own, with the call that failed."""
