"""Shared fixtures: a clock that tests move, the fake and a provider configured for it, quiet Assistants
deprecation warnings; and the markers each folder's tests get.

The tree mirrors the levels: ``unit/`` (pure), ``fake/`` (the fake API's own behaviour), ``providers/`` (the
providers in-process against the fake over HTTP), ``engine/`` (the real dynamic-provider server over gRPC),
``e2e/`` (the examples' programs played whole, and the offline ``up``). Every test under ``engine/`` and
``e2e/`` is marked ``engine`` (it spawns the server), every test under ``e2e/`` ``slow``; a test elsewhere that
takes 0.3 s or more (it waits on real time or starts a process) is marked ``slow`` where it is defined."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run.testing import (
    FakeApiClock,
    FakeOpenAI,
    configured_provider,
    ignore_assistants_deprecation,
    patch_provider_clock,
)
from tests.apis import ASSISTANTS, RESPONSES, ApiCase

TESTS = Path(__file__).resolve().parent
FOLDER_MARKS = {"engine": ("engine",), "e2e": ("engine", "slow")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        try:
            folder = item.path.resolve().relative_to(TESTS).parts[0]
        except ValueError:
            continue
        for mark in FOLDER_MARKS.get(folder, ()):
            item.add_marker(mark)


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
    """The plugin's fake (a fresh one per test); a folder may override it (``engine/``: one per session)."""
    return openai_fake


@pytest.fixture
def fake_clock(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeApiClock:
    """The provider's clock tied to this folder's ``fake``."""
    clock = FakeApiClock(fake)
    patch_provider_clock(monkeypatch, clock)
    return clock


@pytest.fixture
def provider(fake: FakeOpenAI, fake_clock: FakeApiClock) -> RunProvider:
    """A RunProvider configured for this folder's ``fake`` over HTTP, its waits on the fake's clock."""
    return configured_provider(fake)


@pytest.fixture(params=[ASSISTANTS, RESPONSES], ids=lambda api: api.name)
def api(request: pytest.FixtureRequest) -> ApiCase:
    """For a test of what a Run does the same on both APIs: each API in turn."""
    result: ApiCase = request.param
    return result


@pytest.fixture
def api_ids(api: ApiCase, fake: FakeOpenAI) -> dict[str, str]:
    """A fresh assistant and thread (agent and conversation) on ``api``, on the folder's ``fake``."""
    return api.seed(fake)
