"""The engine's side: the real dynamic-provider server (``python -m pulumi.dynamic``) driven over gRPC with
the serialized RunProvider, stack config and float numbers as the engine sends them, against the fake over
HTTP. These cover what `pulumi up`, `preview`, `refresh`, `import` and `destroy` do to a Run."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_openai_run import Run, RunProvider
from pulumi_openai_run.testing import FakeOpenAI, Fault, RunScript
from pulumi_openai_run.testing.engine import (
    UNKNOWN,
    ProviderError,
    ProviderServer,
    Secret,
    serialized_provider,
    urn,
)

API_KEY = "sk-engine-secret-9f8e7d6c5b4a"
RUN_URN = urn(Run, "summary")
FAST = RunScript(queued_for=0.05, duration=0.15)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=API_KEY, clock="real") as running:
        running.default_script = FAST
        yield running


@pytest.fixture(scope="module")
def engine(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    config = {"openai:apiKey": Secret(API_KEY), "openai:baseUrl": fake.base_url}
    log = tmp_path_factory.mktemp("engine") / "provider.log"
    with ProviderServer(config, log_path=log, project="openai-run-quickstart",
                        env={"OPENAI_API_KEY": ""}) as server:
        yield server


@pytest.fixture(scope="module")
def blob() -> str:
    return serialized_provider(RunProvider())


@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, str]:
    return {"assistant_id": fake.create_assistant()["id"], "thread_id": fake.create_thread(messages=["Hi"])["id"]}


def up(engine: ProviderServer, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What `pulumi up` does for a new resource: Check, then Create with the checked inputs."""
    checked = engine.check(RUN_URN, {}, news)
    assert checked.failures == []
    return engine.create(RUN_URN, checked.inputs)


def test_full_cycle_up_preview_update_refresh_destroy(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                     ids: dict[str, str]) -> None:
    news = {**ids, "completion_window": 30.0, "metadata": {"team": "docs"}, "temperature": 0.5,
            "max_tokens": 200.0, "__provider": blob}
    run_id, state = up(engine, news)
    assert run_id.startswith("run_")
    assert state["status"] == "completed" and state["reply"] == "Hello from the fake assistant."
    assert state["max_tokens"] == 200.0 and state["usage"]["total_tokens"] == 15.0
    sent = next(r for r in fake.requests if r.method == "POST" and r.path == f"/threads/{ids['thread_id']}/runs")
    assert sent.json["max_completion_tokens"] == 200 and sent.json["temperature"] == 0.5

    # preview with nothing changed (a fresh program run serializes the provider again: same blob)
    fake.clear_requests()
    again = {**news, "__provider": serialized_provider(RunProvider())}
    checked = engine.check(RUN_URN, news, again)
    assert engine.diff(RUN_URN, run_id, state, checked.inputs, old_inputs=news).changes == "none"
    assert fake.requests == []  # preview makes no API request

    # metadata changes in place
    changed = {**news, "metadata": {"team": "ops"}}
    diff = engine.diff(RUN_URN, run_id, state, changed, old_inputs=news)
    assert (diff.changes, diff.replaces) == ("some", [])
    state = engine.update(RUN_URN, run_id, state, changed, old_inputs=news)
    assert state["metadata"] == {"team": "ops"} and fake.run(run_id)["metadata"] == {"team": "ops"}
    assert fake.count("POST", r"/threads/[^/]+/runs") == 0  # never re-runs

    # refresh
    read = engine.read(RUN_URN, run_id, state, changed)
    assert read.id == run_id and read.outs["status"] == "completed"
    assert read.outs["steps"] == state["steps"]

    # destroy
    engine.delete(RUN_URN, run_id, read.outs)
    assert fake.run(run_id)["status"] == "completed"


def test_destroy_cancels_a_run_still_going(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                           ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    run_id, state = up(engine, {**ids, "__provider": blob})
    assert state["status"] in ("queued", "in_progress")
    engine.delete(RUN_URN, run_id, state)
    assert fake.run(run_id)["status"] == "cancelled"


def test_replacement_on_the_same_thread_deletes_first(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                     ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    news = {**ids, "instructions": "Be brief.", "__provider": blob}
    old_id, state = up(engine, news)
    changed = {**news, "instructions": "Be thorough.", "completion_window": 30.0}
    diff = engine.diff(RUN_URN, old_id, state, changed, old_inputs=news)
    assert diff.changes == "some" and diff.replaces == ["instructions"] and diff.delete_before_replace
    engine.delete(RUN_URN, old_id, state)  # what the engine does first, given deleteBeforeReplace
    new_id, new_state = up(engine, changed)
    assert new_id != old_id and new_state["status"] == "completed"
    assert fake.run(old_id)["status"] == "cancelled"


def test_import_with_the_id_and_thread_only(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                            ids: dict[str, str]) -> None:
    run_id, state = up(engine, {**ids, "completion_window": 30.0, "metadata": {"k": "v"}, "__provider": blob})
    read = engine.read(RUN_URN, run_id, {}, {"thread_id": ids["thread_id"], "__provider": blob})
    assert read.id == run_id
    assert read.outs["steps"] == state["steps"] and read.outs["reply"] == state["reply"]
    assert read.inputs is not None
    assert {k: v for k, v in read.inputs.items() if k != "__provider"} == {**ids, "metadata": {"k": "v"}}


def test_refresh_of_a_vanished_run_reports_it_gone(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                   ids: dict[str, str]) -> None:
    run_id, state = up(engine, {**ids, "completion_window": 30.0, "__provider": blob})
    state = {**state, "thread_id": fake.create_thread()["id"]}  # a thread that never had this run
    assert engine.read(RUN_URN, run_id, state).id == ""


def test_preview_with_unknown_inputs(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                     ids: dict[str, str]) -> None:
    fake.clear_requests()
    news = {"assistant_id": UNKNOWN, "thread_id": UNKNOWN, "completion_window": 30.0, "__provider": blob}
    assert engine.check(RUN_URN, {}, news).failures == []
    state = {**ids, "completion_window": 30.0, "status": "completed", "__provider": blob}
    diff = engine.diff(RUN_URN, "run_x", state, {**ids, "metadata": UNKNOWN, "__provider": blob})
    assert diff.changes == "some" and diff.replaces == []
    diff = engine.diff(RUN_URN, "run_x", state, {**news, "thread_id": ids["thread_id"]})
    assert diff.changes == "some" and diff.replaces == ["assistant_id"]
    assert fake.requests == []


def test_bad_inputs_fail_check_without_a_request(engine: ProviderServer, fake: FakeOpenAI, blob: str) -> None:
    fake.clear_requests()
    news = {"assistant_id": "asst bad", "thread_id": "../threads", "temperature": 3.0, "top_p": -1.0,
            "max_tokens": 0.0, "completion_window": -5.0, "tools": [{"type": "browser"}],
            "metadata": {f"k{i}": "v" for i in range(17)}, "stream_for_tool": "yes", "colour": "red",
            "__provider": blob}
    failures = dict(engine.check(RUN_URN, {}, news).failures)
    assert set(failures) == {"assistant_id", "thread_id", "temperature", "top_p", "max_tokens",
                             "completion_window", "tools", "metadata", "stream_for_tool", "colour"}
    for field, reason in failures.items():
        assert field in reason
    assert fake.requests == []


def test_failed_run_error_reaches_the_engine_without_the_key(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                            ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(queued_for=0.05, duration=0.1, outcome="failed",
                               last_error={"code": "server_error", "message": "Model overloaded."}))
    with pytest.raises(ProviderError) as caught:
        up(engine, {**ids, "completion_window": 30.0, "__provider": blob})
    assert "ended failed: server_error: Model overloaded." in caught.value.details
    assert API_KEY not in caught.value.details


def test_the_key_is_nowhere_in_state_outputs_or_logs(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                     ids: dict[str, str]) -> None:
    run_id, state = up(engine, {**ids, "completion_window": 30.0, "__provider": blob})
    read = engine.read(RUN_URN, run_id, state)
    everything = json.dumps([state, read.outs, read.inputs], default=str)
    assert API_KEY not in everything
    assert API_KEY.encode() not in base64.b64decode(state["__provider"])
    assert len(state["__provider"]) < 1024
    assert API_KEY not in engine.log_text()
    # and the server did use the key from stack config (the fake refuses any other)
    assert all(r.headers.get("authorization") == f"Bearer {API_KEY}" for r in fake.requests)


def test_an_api_error_that_echoes_the_key_reaches_the_engine_masked(engine: ProviderServer, fake: FakeOpenAI,
                                                                     blob: str, ids: dict[str, str]) -> None:
    """The dynamic server sends the engine the whole traceback (traceback.format_exc()), chained
    exceptions included: the key must be masked there too."""
    fake.inject(Fault(method="POST", path=r"/threads/[^/]+/runs", kind="status", status=400,
                      message=f"Invalid request made with key {API_KEY}."))
    with pytest.raises(ProviderError) as caught:
        up(engine, {**ids, "completion_window": 30.0, "__provider": blob})
    assert "Invalid request made with key [redacted]." in caught.value.details
    assert API_KEY not in caught.value.details
    assert API_KEY not in engine.log_text()
