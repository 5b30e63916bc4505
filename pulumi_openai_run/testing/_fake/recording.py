""":class:`RecordedRequest` and the thread-safe log of every request the fake received."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedRequest:
    """One request as the fake saw it (faulted requests included)."""

    method: str
    path: str  # without the /v1 prefix
    query: dict[str, list[str]] = field(default_factory=dict)
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    fault: str | None = None  # the kind of the Fault applied to it, if any


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def count(self, method: str, path_regex: str) -> int:
        pattern = re.compile(path_regex)
        return sum(
            1
            for request in self.snapshot()
            if request.method.upper() == method.upper() and pattern.fullmatch(request.path)
        )
