"""The engine's side on the Responses API: the real dynamic-provider server driven over gRPC (as in
test_engine_run.py) for a Run on a stored prompt and a conversation: up, preview, a metadata change that
replaces, refresh, import and destroy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_openai_run import Run, RunProvider
from pulumi_openai_run.testing import FakeOpenAI, RunScript
from pulumi_openai_run.testing.engine import ProviderServer, Secret, serialized_provider, urn

API_KEY = "sk-engine-responses-1a2b3c4d5e"
RUN_URN = urn(Run, "summary")


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=API_KEY, clock="real") as running:
        running.default_script = RunScript(queued_for=0.05, duration=0.15, file_search_files=("file-doc",))
        yield running


@pytest.fixture(scope="module")
def engine(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    config = {"openai:apiKey": Secret(API_KEY), "openai:baseUrl": fake.base_url}
    log = tmp_path_factory.mktemp("engine") / "provider.log"
    with ProviderServer(config, log_path=log, env={"OPENAI_API_KEY": ""}) as server:
        yield server


@pytest.fixture(scope="module")
def blob() -> str:
    return serialized_provider(RunProvider())


@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, str]:
    return {"assistant_id": fake.create_prompt()["id"], "thread_id": fake.create_conversation(messages=["Hi"])["id"]}


def up(engine: ProviderServer, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    checked = engine.check(RUN_URN, {}, news)
    assert checked.failures == []
    return engine.create(RUN_URN, checked.inputs)


def test_full_cycle_on_the_responses_api(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                         ids: dict[str, str]) -> None:
    news = {**ids, "completion_window": 30.0, "metadata": {"team": "docs"}, "max_tokens": 200.0,
            "__provider": blob}
    run_id, state = up(engine, news)
    assert run_id.startswith("resp_") and state["object"] == "response"
    assert state["status"] == "completed" and state["reply"] == "Hello from the fake assistant."
    assert state["usage"]["total_tokens"] == 15.0 and state["file_ids"] == ["file-doc"]
    assert [s["type"] for s in state["steps"]] == ["file_search_call", "message"]

    # preview with nothing changed: no diff, no request
    fake.clear_requests()
    again = {**news, "__provider": serialized_provider(RunProvider())}
    checked = engine.check(RUN_URN, news, again)
    assert engine.diff(RUN_URN, run_id, state, checked.inputs, old_inputs=news).changes == "none"
    assert fake.requests == []

    # a metadata change replaces the response; it has finished, so the new one comes first
    changed = {**news, "metadata": {"team": "ops"}}
    diff = engine.diff(RUN_URN, run_id, state, changed, old_inputs=news)
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == ("some", ["metadata"], False)
    new_id, new_state = up(engine, changed)
    engine.delete(RUN_URN, run_id, state)  # then the engine deletes the old one
    assert new_id != run_id and new_state["metadata"] == {"team": "ops"}
    with pytest.raises(KeyError):
        fake.response(run_id)

    # refresh, then import by the response id alone
    read = engine.read(RUN_URN, new_id, new_state, changed)
    assert read.id == new_id and read.outs["steps"] == new_state["steps"]
    imported = engine.read(RUN_URN, new_id, {}, {"__provider": blob})
    assert imported.inputs is not None
    assert {k: v for k, v in imported.inputs.items() if k != "__provider"} == {**ids, "metadata": {"team": "ops"}}

    # destroy
    engine.delete(RUN_URN, new_id, read.outs)
    assert fake.responses_on(ids["thread_id"]) == []


def test_streamed_up_and_destroy_while_running(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                               ids: dict[str, str]) -> None:
    run_id, state = up(engine, {**ids, "completion_window": 30.0, "stream_for_tool": True, "__provider": blob})
    assert state["status"] == "completed" and state["reply"]
    fake.script_runs(RunScript(duration=60.0))
    running_id, running = up(engine, {**ids, "api": "responses", "__provider": blob})
    assert running["status"] in ("queued", "in_progress")
    engine.delete(RUN_URN, running_id, running)
    assert [r["id"] for r in fake.responses_on(ids["thread_id"])] == [run_id]


def test_ids_of_the_other_api_fail_check_naming_the_field(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                          ids: dict[str, str]) -> None:
    fake.clear_requests()
    failures = dict(engine.check(RUN_URN, {}, {**ids, "assistant_id": "asst_abc", "__provider": blob}).failures)
    assert set(failures) == {"assistant_id"} and "pmpt_" in failures["assistant_id"]
    failures = dict(engine.check(RUN_URN, {}, {**ids, "api": "assistants", "__provider": blob}).failures)
    assert set(failures) == {"assistant_id", "thread_id"}
    assert fake.requests == []
