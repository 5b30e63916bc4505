"""Hostile input through the real dynamic-provider server over gRPC (issue 12, points 9 to 13): a key with
stray whitespace or a control character, JSON nested 100,000 deep, NaN and 1e999, a 1 MB id and a 1e308
max_tokens. Each reaches the user as a short message that names the field (or the config key) and what is
allowed: no traceback, no quoted megabyte, no key, and no request the API would refuse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_openai_run.testing import FakeOpenAI, ProviderError, ProviderServer, Secret
from tests.engine.conftest import API_KEY, RUN_URN, up

SHORT = 400
"""The most characters a check failure's reason may have here: a sentence or two, never the input."""


@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, str]:
    return {"assistant_id": fake.create_assistant()["id"], "thread_id": fake.create_thread(messages=["Hi"])["id"]}


def _server(fake: FakeOpenAI, key: str, log: Path) -> ProviderServer:
    """A server of its own, its key as given, with openai-python's DEBUG logging on (``OPENAI_LOG``), which
    logs every exception a request meets, header values included."""
    return ProviderServer({"openai:apiKey": Secret(key), "openai:baseUrl": fake.base_url}, log_path=log,
                          project="openai-run-quickstart", env={"OPENAI_API_KEY": "", "OPENAI_LOG": "debug"})


@pytest.fixture
def server_factory(fake: FakeOpenAI, tmp_path: Path) -> Iterator[list[ProviderServer]]:
    started: list[ProviderServer] = []
    yield started
    for server in started:
        server.__exit__(None, None, None)


def _start(started: list[ProviderServer], fake: FakeOpenAI, key: str, log: Path) -> ProviderServer:
    server = _server(fake, key, log).__enter__()
    started.append(server)
    return server


def _reasons(engine: ProviderServer, news: dict[str, object]) -> dict[str, str]:
    return dict(engine.check(RUN_URN, {}, news).failures)


# --- 9: the key ------------------------------------------------------------------------------------


def test_a_key_with_a_trailing_newline_is_stripped(fake: FakeOpenAI, blob: str, ids: dict[str, str],
                                                   server_factory: list[ProviderServer], tmp_path: Path) -> None:
    server = _start(server_factory, fake, API_KEY + "\n", tmp_path / "provider.log")
    fake.clear_requests()
    _, state = up(server, {**ids, "completion_window": 30.0, "__provider": blob})
    assert state["status"] == "completed"
    mine = [r for r in fake.requests if r.path.startswith(f"/threads/{ids['thread_id']}")]
    assert mine and all(r.headers.get("authorization") == f"Bearer {API_KEY}" for r in mine)
    assert API_KEY not in server.log_text() and "Illegal header" not in server.log_text()


def test_a_key_with_a_control_character_fails_at_once_without_showing_it(
        fake: FakeOpenAI, blob: str, ids: dict[str, str], server_factory: list[ProviderServer],
        tmp_path: Path) -> None:
    bad_key = API_KEY[:10] + "\x07" + API_KEY[10:]
    server = _start(server_factory, fake, bad_key, tmp_path / "provider.log")
    fake.clear_requests()
    checked = server.check(RUN_URN, {}, {**ids, "completion_window": 30.0, "__provider": blob})
    assert checked.failures == []  # preview needs no key
    with pytest.raises(ProviderError) as caught:
        server.create(RUN_URN, checked.inputs, timeout=30)
    details = caught.value.details
    assert "openai:apiKey" in details and "control character" in details
    assert fake.requests == []  # nothing left the process
    log = server.log_text()
    for text in (details, log):
        assert API_KEY[:10] not in text and API_KEY[11:] not in text and "Bearer" not in text


# --- 10, 11: hostile JSON ------------------------------------------------------------------------------


def _function(parameters: str) -> list[dict[str, str]]:
    return [{"type": "function", "name": "lookup", "description": "Look it up.", "parameters": parameters}]


def test_json_nested_100000_deep_fails_check_naming_the_field(engine: ProviderServer, blob: str,
                                                              ids: dict[str, str]) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    reasons = _reasons(engine, {**ids, "tools": _function(deep), "__provider": blob})
    reason = reasons["tools"]
    assert "tools[0].parameters" in reason and "nested" in reason and "64" in reason
    assert len(reason) < SHORT and "Traceback" not in reason and "RecursionError" not in reason


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_non_finite_number_in_parameters_fails_check_not_create(engine: ProviderServer, fake: FakeOpenAI,
                                                                   blob: str, ids: dict[str, str],
                                                                   number: str) -> None:
    parameters = '{"type": "object", "properties": {"n": {"type": "number", "maximum": ' + number + "}}}"
    fake.clear_requests()
    reason = _reasons(engine, {**ids, "tools": _function(parameters), "__provider": blob})["tools"]
    assert "tools[0].parameters" in reason and "finite" in reason and len(reason) < SHORT
    assert fake.requests == []


def test_a_nan_in_a_tool_given_as_an_api_object_fails_check(engine: ProviderServer, blob: str,
                                                            ids: dict[str, str]) -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "maximum": float("nan")}}}
    reason = _reasons(engine, {**ids, "tools": [tool], "__provider": blob})["tools"]
    assert "tools[0].function.parameters.maximum" in reason and "finite" in reason and len(reason) < SHORT


# --- 12: quoting ----------------------------------------------------------------------------------


def test_a_megabyte_id_is_quoted_short(engine: ProviderServer, blob: str, ids: dict[str, str]) -> None:
    huge = "a" * 1_000_000 + "!"
    reasons = _reasons(engine, {**ids, "assistant_id": huge, "__provider": blob})
    reason = reasons["assistant_id"]
    assert "assistant_id" in reason and "1,000,001 characters" in reason and len(reason) < SHORT


def test_a_megabyte_unknown_key_is_named_short(engine: ProviderServer, blob: str, ids: dict[str, str]) -> None:
    failures = engine.check(RUN_URN, {}, {**ids, "x" * 1_000_000: "1", "__provider": blob}).failures
    assert len(failures) == 1
    prop, reason = failures[0]
    assert len(prop) < SHORT and len(reason) < SHORT and "unknown input" in reason


# --- 13: numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1e308, 2.0**31, 200.5])
def test_max_tokens_beyond_what_the_api_takes_fails_check(engine: ProviderServer, blob: str,
                                                          ids: dict[str, str], value: float) -> None:
    reason = _reasons(engine, {**ids, "max_tokens": value, "__provider": blob})["max_tokens"]
    assert "max_tokens" in reason and "whole number" in reason and len(reason) < SHORT
    assert "2,147,483,647" in reason or value == 200.5


def test_the_largest_max_tokens_is_sent_as_is(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                              ids: dict[str, str]) -> None:
    fake.clear_requests()
    up(engine, {**ids, "max_tokens": 2.0**31 - 1, "__provider": blob})
    sent = next(r for r in fake.requests if r.method == "POST" and r.path == f"/threads/{ids['thread_id']}/runs")
    assert sent.json["max_completion_tokens"] == 2**31 - 1
    assert json.dumps(sent.json)  # plain JSON, nothing out of range


def test_a_megabyte_run_id_on_refresh_is_quoted_short(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                       ids: dict[str, str]) -> None:
    fake.clear_requests()
    with pytest.raises(ProviderError) as caught:
        engine.read(RUN_URN, "run_" + "a" * 1_000_000, {**ids, "__provider": blob})
    assert "(1,000,004 characters)" in caught.value.details and len(caught.value.details) < 5_000
    assert fake.requests == []
