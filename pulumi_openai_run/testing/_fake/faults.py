""":class:`Fault`: network and server failures injected into matching requests."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["status", "reset", "delay", "lose_response", "drop_stream", "late"]
FAULT_KINDS: tuple[str, ...] = ("status", "reset", "delay", "lose_response", "drop_stream", "late")


@dataclass(frozen=True)
class Fault:
    """A failure applied to the next ``times`` requests whose method and path match.

    ``path`` is matched with :func:`re.fullmatch` against the request path without the ``/v1`` prefix.

    * ``status``: answer ``status`` with an OpenAI error body (``message`` as its message, when given;
      and ``retry-after`` / ``retry-after-ms`` headers when given); the request is not processed.
    * ``reset``: close the connection without a response; not processed.
    * ``delay``: wait ``delay`` real seconds, then process and answer normally.
    * ``lose_response``: process the request (its side effects happen), then close the connection
      without a response.
    * ``drop_stream``: process the request; if it answers a stream of server-sent events, close the
      connection after ``after_events`` events, before the terminal event and without ``done`` (the
      object goes on; resume with ``GET /responses/{id}?stream=true&starting_after=<last sequence_number>``).
      A request that answers JSON is not affected (but uses up one of ``times``).
    * ``late``: close the connection at once without a response (the client sees a lost answer), and
      process the request ``delay`` seconds later on the fake's clock, as a service that queued it would:
      with the manual clock, just before answering the first request received at or after that time (so a
      provider on the fake's clock sees it processed in a set order); with the real clock, then. Its answer
      goes nowhere.
    """

    method: str = "POST"
    path: str = r"/threads/[^/]+/runs"
    kind: FaultKind = "status"
    status: int = 500
    retry_after: float | None = None
    retry_after_ms: int | None = None
    delay: float = 0.0
    times: int = 1
    message: str | None = None
    after_events: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}, not {self.kind!r}")
        if self.times < 1:
            raise ValueError("times must be at least 1")
        if self.delay < 0:
            raise ValueError("delay must not be negative")
        if self.after_events < 0:
            raise ValueError("after_events must not be negative")
        re.compile(self.path)

    def matches(self, method: str, path: str) -> bool:
        return method.upper() == self.method.upper() and re.fullmatch(self.path, path) is not None


@dataclass
class _Armed:
    fault: Fault
    remaining: int


class FaultBook:
    """Thread-safe queue of injected faults; each match uses up one of a fault's ``times``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_Armed] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._armed.append(_Armed(fault, fault.times))

    def take(self, method: str, path: str) -> Fault | None:
        """Return the first armed fault matching the request, using up one of its remaining times."""
        with self._lock:
            for armed in self._armed:
                if armed.fault.matches(method, path):
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._armed.remove(armed)
                    return armed.fault
            return None

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()
