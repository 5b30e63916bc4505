"""Shared fixtures: a clock that tests move, quiet Assistants deprecation warnings, and short names for the
``pulumi_openai_run.testing`` plugin's fixtures."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, ignore_assistants_deprecation, patch_provider_clock


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
    patch_provider_clock(monkeypatch, clock)
    yield clock


@pytest.fixture(autouse=True)
def _quiet_assistants_deprecation() -> Iterator[None]:
    with warnings.catch_warnings():  # pytest resets filters per test: the provider's own are re-added here
        ignore_assistants_deprecation()
        yield


@pytest.fixture
def fake(openai_fake: FakeOpenAI) -> FakeOpenAI:
    return openai_fake


@pytest.fixture
def fake_clock(openai_fake_clock: FakeApiClock) -> FakeApiClock:
    return openai_fake_clock


@pytest.fixture
def provider(run_provider: RunProvider) -> RunProvider:
    """A RunProvider configured for the fake over HTTP, its waits on the fake's clock."""
    return run_provider
