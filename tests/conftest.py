"""Shared fixtures: a clock that tests move, the fake and a provider configured for it, quiet Assistants
deprecation warnings; and the markers each folder's tests get.

The tree mirrors the levels: ``unit/`` (pure), ``fake/`` (the fake API's own behaviour), ``providers/`` (the
providers in-process against the fake over HTTP), ``engine/`` (the real dynamic-provider server over gRPC),
``e2e/`` (the examples' programs played whole, and the offline ``up``). Every test under ``engine/`` and
``e2e/`` is marked ``engine`` (it spawns the server), every test under ``e2e/`` ``slow``; a test elsewhere that
takes 0.3 s or more (it waits on real time or starts a process) is marked ``slow`` where it is defined."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config

from pulumi_openai_run import RunProvider, waiting
from pulumi_openai_run.testing import FakeOpenAI
from tests.apis import ASSISTANTS, RESPONSES, Api

ProviderT = TypeVar("ProviderT", bound=ResourceProvider)
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
    monkeypatch.setattr(waiting, "clock", clock)
    yield clock


@pytest.fixture(autouse=True)
def _quiet_assistants_deprecation() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The Assistants API is deprecated", category=DeprecationWarning)
        # what object_api silences at import for its calls to the assistants' methods (pytest resets filters)
        warnings.filterwarnings("ignore", message=r"deprecated\Z", category=DeprecationWarning,
                                module=r"pulumi_openai_run\.object_api\Z")
        yield


class FakeApiClock:
    """The provider's clock tied to the fake's manual clock: every wait moves the fake's time."""

    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.fake.now()

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.fake.advance(seconds)


@pytest.fixture(scope="session")
def _stopping_fakes() -> Iterator[list[threading.Thread]]:
    """The threads stopping the fakes of finished tests; the session waits for them all at its end."""
    stopping: list[threading.Thread] = []
    yield stopping
    for thread in stopping:
        thread.join()


@pytest.fixture
def fake(_stopping_fakes: list[threading.Thread]) -> Iterator[FakeOpenAI]:
    """A fresh fake serving HTTP (the fake has no reset, so one per test). Its server takes about 15 ms to
    stop; no test looks at a fake once it has ended, so it stops beside the next test instead of before it."""
    running = FakeOpenAI(api_key="sk-fake-secret-0123456789").start()
    yield running
    stop_beside(running, _stopping_fakes)


def stop_beside(fake: FakeOpenAI, stopping: list[threading.Thread]) -> None:
    """Stop ``fake`` in a thread of its own, which the session waits for at its end."""
    stopper = threading.Thread(target=fake.stop, name="stop-fake", daemon=True)
    stopper.start()
    stopping.append(stopper)


@pytest.fixture
def fake_clock(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeApiClock:
    clock = FakeApiClock(fake)
    monkeypatch.setattr(waiting, "clock", clock)
    return clock


def configured(cls: type[ProviderT], fake: FakeOpenAI, **config: Any) -> ProviderT:
    """A provider of ``cls`` configured as stack config would, for the fake over HTTP (``config`` adds keys)."""
    provider = cls()
    values = {"openai:apiKey": fake.api_key, "openai:baseUrl": fake.base_url, **config}
    provider.configure(ConfigureRequest(Config(values, "test")))
    return provider


def configured_provider(fake: FakeOpenAI, **config: Any) -> RunProvider:
    return configured(RunProvider, fake, **config)


@pytest.fixture
def provider(fake: FakeOpenAI, fake_clock: FakeApiClock) -> RunProvider:
    """A RunProvider configured for the fake over HTTP, its waits on the fake's clock."""
    return configured_provider(fake)


@pytest.fixture(params=[ASSISTANTS, RESPONSES], ids=lambda api: api.name)
def api(request: pytest.FixtureRequest) -> Api:
    """For a test of what a Run does the same on both APIs: each API in turn."""
    result: Api = request.param
    return result


@pytest.fixture
def api_ids(api: Api, fake: FakeOpenAI) -> dict[str, str]:
    """A fresh assistant and thread (stored prompt and conversation) on ``api``, on the folder's ``fake``."""
    return api.seed(fake)
