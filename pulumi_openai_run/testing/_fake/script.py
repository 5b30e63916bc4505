""":class:`RunScript`: what the fake model does with one run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["completed", "failed", "expired", "incomplete", "requires_action"]
OUTCOMES: tuple[str, ...] = ("completed", "failed", "expired", "incomplete", "requires_action")

DEFAULT_LAST_ERROR: Mapping[str, str] = {"code": "server_error", "message": "The fake model failed."}


def _default_usage() -> dict[str, int]:
    return {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}


@dataclass(frozen=True)
class RunScript:
    """The scripted behaviour of one run.

    The run is ``queued`` for ``queued_for`` seconds, then ``in_progress`` for ``duration`` seconds,
    then ends with ``outcome``. Times are on the fake's clock.
    """

    outcome: Outcome = "completed"
    queued_for: float = 0.1
    duration: float = 0.5
    reply: str = "Hello from the fake assistant."
    usage: Mapping[str, int] = field(default_factory=_default_usage)
    last_error: Mapping[str, str] | None = None
    incomplete_reason: Literal["max_completion_tokens", "max_prompt_tokens"] = "max_completion_tokens"
    code_interpreter_files: int = 0
    file_search_files: tuple[str, ...] = ()
    message_file_ids: tuple[str, ...] = ()
    extra_steps: int = 0
    function_name: str = "get_weather"

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {self.outcome!r}")
        if self.queued_for < 0 or self.duration < 0:
            raise ValueError("queued_for and duration must not be negative")
        if self.code_interpreter_files < 0 or self.extra_steps < 0:
            raise ValueError("code_interpreter_files and extra_steps must not be negative")
        # Accept any iterable of ids (lists read naturally in tests); store tuples.
        object.__setattr__(self, "file_search_files", tuple(self.file_search_files))
        object.__setattr__(self, "message_file_ids", tuple(self.message_file_ids))

    def error(self) -> dict[str, Any]:
        """``last_error`` of a failed run."""
        return dict(self.last_error if self.last_error is not None else DEFAULT_LAST_ERROR)
