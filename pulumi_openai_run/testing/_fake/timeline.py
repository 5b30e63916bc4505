"""What a run's and a response's lifecycles share in the fake: the work a script plans, and the
transitions scheduled on the fake's clock."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from .script import RunScript

WorkKind = Literal["code_interpreter", "file_search", "extra", "message", "function"]


class LiveObject:
    """A run or a response: its API JSON in :attr:`data`, active while its status is in :attr:`ACTIVE`."""

    ACTIVE: ClassVar[frozenset[str]]
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def status(self) -> str:
        return str(self.data["status"])

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE


@dataclass(frozen=True)
class Work:
    """One step of a run (one output item of a response) the script asks for."""

    kind: WorkKind
    index: int = 0


def planned_work(script: RunScript) -> list[Work]:
    """The steps a script plans, in order: tools, fillers, then the reply or the function call."""
    plan: list[Work] = []
    if script.code_interpreter_files:
        plan.append(Work("code_interpreter"))
    if script.file_search_files:
        plan.append(Work("file_search"))
    plan.extend(Work("extra", i) for i in range(script.extra_steps))
    if script.outcome in ("completed", "incomplete"):
        plan.append(Work("message"))
    elif script.outcome == "requires_action":
        plan.append(Work("function"))
    return plan


class Timeline:
    """Transitions due at points of fake time, applied in order by :meth:`settle`."""

    def __init__(self) -> None:
        self._pending: list[tuple[float, int, Callable[[float], None]]] = []
        self._order = itertools.count()

    def at(self, when: float, action: Callable[[float], None]) -> None:
        # Microsecond resolution, like the manual clock, so boundaries compare exactly.
        heapq.heappush(self._pending, (round(when, 6), next(self._order), action))

    def next_time(self) -> float | None:
        """When the next transition is due, or None when nothing is scheduled."""
        return self._pending[0][0] if self._pending else None

    def settle(self, now: float) -> bool:
        """Apply every transition due by ``now``; True when anything changed."""
        changed = False
        while self._pending and self._pending[0][0] <= now:
            when, _, action = heapq.heappop(self._pending)
            action(when)
            changed = True
        return changed

    def clear(self) -> None:
        self._pending.clear()
