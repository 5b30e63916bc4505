"""The pytest plugin of ``pulumi_openai_run.testing`` (registered by entry point: installing the package
enables it).

Fixtures (all function-scoped; override any of them in your ``conftest.py``):

``openai_fake``
    A :class:`~pulumi_openai_run.testing.FakeOpenAI` serving HTTP on 127.0.0.1, on the manual clock (time
    moves only with ``advance()``).
``openai_fake_clock``
    A :class:`~pulumi_openai_run.testing.FakeApiClock` installed as the provider's clock: every wait of the
    provider advances ``openai_fake``, so runs finish at once in real time.
``run_provider``
    A :class:`~pulumi_openai_run.RunProvider` configured for ``openai_fake``, its waits on
    ``openai_fake_clock``.
``openai_live_fake``
    A ``FakeOpenAI`` on the real clock (for code in another process, which cannot advance the fake).
``provider_server``
    A :class:`~pulumi_openai_run.testing.ProviderServer`: the real ``python -m pulumi.dynamic`` over gRPC,
    configured (``Configure``) for ``openai_live_fake``, the API key as a secret.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pulumi_openai_run._runs.journal import JOURNAL_ENV

from ._fake.fake import FakeOpenAI
from ._provider import FakeApiClock, configured_provider, patch_provider_clock

if TYPE_CHECKING:
    from pulumi_openai_run import RunProvider

    from ._engine.calls import ProviderServer

API_KEY = "sk-fake-secret-0123456789"
"""The API key the plugin's fakes require (long enough to look like a real one in redaction checks)."""


def pytest_configure(config: pytest.Config) -> None:
    """Keep the provider's create journal (``_runs/journal.py``) of a test session out of the user's home:
    one temporary directory per session, shared by every provider and provider server the tests start."""
    if not os.environ.get(JOURNAL_ENV):
        os.environ[JOURNAL_ENV] = tempfile.mkdtemp(prefix="openai-run-journal-")


def stop_beside(fake: FakeOpenAI, stopping: list[threading.Thread]) -> None:
    """Stop ``fake`` in a thread of its own (its server takes about 15 ms to stop), which the session waits for
    at its end: no test looks at a fake once it has ended, so it stops beside the next test, not before it."""
    stopper = threading.Thread(target=fake.stop, name="stop-fake", daemon=True)
    stopper.start()
    stopping.append(stopper)


@pytest.fixture(scope="session")
def openai_fakes_stopping() -> Iterator[list[threading.Thread]]:
    """The threads stopping the fakes of finished tests (see :func:`stop_beside`); the session joins them."""
    stopping: list[threading.Thread] = []
    yield stopping
    for thread in stopping:
        thread.join()


@pytest.fixture
def openai_fake(openai_fakes_stopping: list[threading.Thread]) -> Iterator[FakeOpenAI]:
    """A fake OpenAI API over HTTP on the manual clock, fresh for each test."""
    running = FakeOpenAI(api_key=API_KEY).start()
    yield running
    stop_beside(running, openai_fakes_stopping)


@pytest.fixture
def openai_fake_clock(openai_fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeApiClock:
    """The provider's clock, tied to ``openai_fake``: the provider's sleeps advance the fake."""
    clock = FakeApiClock(openai_fake)
    patch_provider_clock(monkeypatch, clock)
    return clock


@pytest.fixture
def run_provider(openai_fake: FakeOpenAI, openai_fake_clock: FakeApiClock) -> RunProvider:
    """A RunProvider configured for ``openai_fake`` over HTTP, its waits on the fake's clock."""
    return configured_provider(openai_fake)


@pytest.fixture
def openai_live_fake() -> Iterator[FakeOpenAI]:
    """A fake OpenAI API over HTTP on the real clock."""
    with FakeOpenAI(api_key=API_KEY, clock="real") as running:
        yield running


@pytest.fixture
def provider_server(openai_live_fake: FakeOpenAI) -> Iterator[ProviderServer]:
    """The dynamic-provider server, configured for ``openai_live_fake``."""
    from ._engine.calls import ProviderServer
    from ._engine.wire import Secret

    config = {"openai:apiKey": Secret(openai_live_fake.api_key), "openai:baseUrl": openai_live_fake.base_url}
    with ProviderServer(config) as server:
        yield server
