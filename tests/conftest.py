"""Shared fixtures: a clock that tests move, and quiet Assistants deprecation warnings."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from pulumi_openai_run import waiting


class SteppedClock:
    """A clock whose sleep() moves time forward at once, recording each sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def stepped_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[SteppedClock]:
    clock = SteppedClock()
    monkeypatch.setattr(waiting, "clock", clock)
    yield clock


@pytest.fixture(autouse=True)
def _quiet_assistants_deprecation() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The Assistants API is deprecated", category=DeprecationWarning)
        yield
