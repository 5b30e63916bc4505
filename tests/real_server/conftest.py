"""The ``real_server`` level: the providers, through the real dynamic-provider server over gRPC, against a
real, independent Responses + Conversations server, OGX (PyPI ``ogx``), running on 127.0.0.1 with a Chat
Completions stub (``stub_model.py``) as its model.

OGX is started outside the test session (it needs Python >= 3.12; this package supports older ones):

    .ci/ogx install && .ci/ogx start
    OGX_BASE_URL=$(.ci/ogx url) .venv/bin/pytest -m real_server
    .ci/ogx stop

Every test here is marked ``real_server``, ``engine`` (it drives the dynamic-provider server) and ``slow``.
Without ``OGX_BASE_URL`` they are deselected (not skipped), and the terminal summary says how many and how to
run them; asked for by name (``-m real_server``) without it, or with an ``OGX_BASE_URL`` that does not answer,
they fail saying so.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from pulumi_openai_run import MessageProvider, RunProvider, ThreadProvider
from pulumi_openai_run.testing import ProviderServer, Secret, serialized_provider

HERE = Path(__file__).resolve().parent
MARKS = ("real_server", "engine", "slow")
ENV = "OGX_BASE_URL"
HOW_TO_RUN = f".ci/ogx install && .ci/ogx start && {ENV}=$(.ci/ogx url) .venv/bin/pytest -m real_server"
API_KEY = "sk-ogx-anything-7a6b5c4d"
"""OGX runs without authentication: any key will do. It must still never reach state or logs."""
FAST_MODEL = "stub/stub-echo"
SLOW_MODEL = "stub/stub-slow"
"""The stub's models as OGX names them (``<provider_id>/<model>``, see ``ogx_config.yaml``)."""

_deselected: list[pytest.Item] = []


def _asked_for(config: pytest.Config) -> bool:
    """Whether ``-m`` names ``real_server`` (other than as ``not real_server``)."""
    expression = str(config.getoption("markexpr", "") or "")
    return re.search(r"(?<!not )\breal_server\b", expression) is not None


def _here(item: pytest.Item) -> bool:
    return HERE in item.path.resolve().parents


def pytest_itemcollected(item: pytest.Item) -> None:
    if _here(item):
        for mark in MARKS:
            item.add_marker(mark)


@pytest.hookimpl(trylast=True)  # after -m and -k: only what they left is deselected (and counted) here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mine = [item for item in items if _here(item)]
    if os.environ.get(ENV) or not mine or _asked_for(config):
        return
    chosen = set(mine)
    _deselected[:] = mine
    config.hook.pytest_deselected(items=mine)
    items[:] = [item for item in items if item not in chosen]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _deselected:
        terminalreporter.write_line(
            f"{len(_deselected)} real_server tests deselected: {ENV} is unset (no OGX to run them against); "
            f"run them with: {HOW_TO_RUN}", yellow=True)


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        data: dict[str, Any] = json.loads(answer.read())
        return data


@pytest.fixture(scope="session")
def ogx_url() -> str:
    """OGX's base URL (``OGX_BASE_URL``), once it answers and serves the stub's models; fails otherwise."""
    url = os.environ.get(ENV, "").rstrip("/")
    if not url:
        pytest.fail(f"{ENV} is unset, so there is no OGX to run the real_server tests against: {HOW_TO_RUN}",
                    pytrace=False)
    models: set[str] = set()
    problem = ""
    try:
        _get(f"{url}/health")
        models = {model["id"] for model in _get(f"{url}/models")["data"]}
    except (OSError, urllib.error.URLError, ValueError, KeyError) as error:
        problem = str(error)
    if problem:
        pytest.fail(f"{ENV}={url} does not answer as OGX ({problem}): start it with `.ci/ogx start` and set "
                    f"{ENV}=$(.ci/ogx url)", pytrace=False)
    missing = {FAST_MODEL, SLOW_MODEL} - models
    if missing:
        pytest.fail(f"OGX at {url} lacks the stub's models {sorted(missing)} (it has {sorted(models)}): start it "
                    "with `.ci/ogx start`, which configures them", pytrace=False)
    return url


@pytest.fixture(scope="session")
def ogx(ogx_url: str) -> Iterator[openai.OpenAI]:
    """A plain client on OGX, for looking at what the provider did."""
    with openai.OpenAI(base_url=ogx_url, api_key=API_KEY, max_retries=0, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def engine(ogx_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    """One dynamic-provider server for the session, configured for OGX as a stack would be
    (``openai:baseUrl``, ``openai:apiKey``; the API is the default, ``responses``)."""
    config = {"openai:apiKey": Secret(API_KEY), "openai:baseUrl": ogx_url}
    log = tmp_path_factory.mktemp("real_server") / "provider.log"
    with ProviderServer(config, log_path=log, project="openai-run-ogx", env={"OPENAI_API_KEY": ""}) as server:
        yield server
        assert API_KEY not in server.log_text()


@pytest.fixture(scope="session")
def blobs() -> dict[str, str]:
    return {"run": serialized_provider(RunProvider()), "thread": serialized_provider(ThreadProvider()),
            "message": serialized_provider(MessageProvider())}
