"""What the fake's own tests share: a fresh fake with its default key, and the real openai client on it over
HTTP and in-process (``mode``: ``http`` or ``transport``), without the client's own retries."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI
from pulumi_openai_run.testing.pytest_plugin import stop_beside

MODES = ("http", "transport")


def make_client(fake: FakeOpenAI, mode: str, *, api_key: str | None = None, timeout: float = 10) -> openai.OpenAI:
    key = fake.api_key if api_key is None else api_key
    if mode == "http":
        return openai.OpenAI(base_url=fake.base_url, api_key=key, max_retries=0, timeout=timeout)
    return openai.OpenAI(
        base_url="http://127.0.0.1/v1",
        api_key=key,
        max_retries=0,
        timeout=timeout,
        http_client=httpx2.Client(transport=fake.transport()),
    )


def serving(fake: FakeOpenAI, request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    """``fake`` for the test, serving HTTP unless the test only talks to it in-process (``mode`` transport):
    a server costs a start and, above all, a stop (about 15 ms), which happens beside the next test."""
    in_process = "mode" in request.fixturenames and request.getfixturevalue("mode") == "transport"
    if in_process:
        yield fake
        fake.stop()
        return
    stopping = request.getfixturevalue("openai_fakes_stopping")
    yield fake.start()
    stop_beside(fake, stopping)


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    yield from serving(FakeOpenAI(), request)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(fake: FakeOpenAI, mode: str) -> Iterator[openai.OpenAI]:
    with make_client(fake, mode) as client:
        yield client
