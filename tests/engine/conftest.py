"""What the Run's engine tests share: one fake on real time and one dynamic-provider server for the whole
session (starting the server is the dear part; these tests do not need a fresh one, each seeds its own
assistant and thread), the serialized RunProvider, and ``up``: what `pulumi up` does for a new Run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_openai_run import Run, RunProvider
from pulumi_openai_run.testing import FakeOpenAI, ProviderServer, RunScript, Secret, serialized_provider, urn

API_KEY = "sk-engine-secret-9f8e7d6c5b4a"
RUN_URN = urn(Run, "summary")
FAST = RunScript(queued_for=0.05, duration=0.15)


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=API_KEY, clock="real") as running:
        running.default_script = FAST
        yield running


@pytest.fixture(scope="session")
def engine(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    config = {"openai:apiKey": Secret(API_KEY), "openai:baseUrl": fake.base_url}
    log = tmp_path_factory.mktemp("engine") / "provider.log"
    with ProviderServer(config, log_path=log, project="openai-run-quickstart",
                        env={"OPENAI_API_KEY": ""}) as server:
        yield server


@pytest.fixture(scope="session")
def blob() -> str:
    return serialized_provider(RunProvider())


def up(engine: ProviderServer, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What `pulumi up` does for a new resource: Check, then Create with the checked inputs."""
    checked = engine.check(RUN_URN, {}, news)
    assert checked.failures == []
    return engine.create(RUN_URN, checked.inputs)
