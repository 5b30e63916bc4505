"""The engine's side: the real dynamic-provider server (``python -m pulumi.dynamic``) driven over gRPC with
the serialized RunProvider, stack config and float numbers as the engine sends them, against the fake over
HTTP. These cover what `pulumi up`, `preview`, `refresh`, `import` and `destroy` do to a Run, on the
Assistants API and on the Responses API (an agent or a model alone, a conversation, the question asked with
the run)."""

from __future__ import annotations

import base64
import json

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run.testing import (
    UNKNOWN,
    FakeOpenAI,
    Fault,
    ProviderError,
    ProviderServer,
    RunScript,
    serialized_provider,
)
from tests.apis import RESPONSES, ApiCase
from tests.engine.conftest import API_KEY, RUN_URN, up


@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, str]:
    return {"assistant_id": fake.create_assistant()["id"], "thread_id": fake.create_thread(messages=["Hi"])["id"]}


@pytest.fixture
def response_ids(fake: FakeOpenAI) -> dict[str, str]:
    return RESPONSES.seed(fake)


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


def test_destroy_cancels_a_run_still_going(engine: ProviderServer, fake: FakeOpenAI, blob: str, api: ApiCase,
                                           api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    run_id, state = up(engine, {**api_ids, "api": api.name, "__provider": blob})
    assert state["status"] in ("queued", "in_progress")
    fake.clear_requests()
    engine.delete(RUN_URN, run_id, state)
    assert fake.count("POST", api.cancel) == 1
    if api.deletes_on_destroy:  # a stored response is cancelled, then deleted
        assert api.runs_on(fake, api_ids["thread_id"]) == []
    else:
        assert api.run(fake, run_id)["status"] == "cancelled"


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


def test_full_cycle_on_the_responses_api(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                         response_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(queued_for=0.05, duration=0.15, file_search_files=("file-doc",)))
    news = {**response_ids, "completion_window": 30.0, "metadata": {"team": "docs"}, "max_tokens": 200.0,
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
    assert imported.inputs is not None  # a response does not name the agent that configured it
    assert {k: v for k, v in imported.inputs.items() if k != "__provider"} == {
        "thread_id": response_ids["thread_id"], "metadata": {"team": "ops"}}

    # destroy
    engine.delete(RUN_URN, new_id, read.outs)
    assert fake.responses_on(response_ids["thread_id"]) == []


def test_streamed_up_on_the_responses_api(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                         response_ids: dict[str, str]) -> None:
    run_id, state = up(engine, {**response_ids, "completion_window": 30.0, "stream_for_tool": True,
                                "__provider": blob})
    assert state["status"] == "completed" and state["reply"]
    [sent] = [r.json for r in fake.requests if r.method == "POST" and r.path == "/responses"
              and r.json["conversation"] == response_ids["thread_id"]]
    assert sent["stream"] is True
    assert [r["id"] for r in fake.responses_on(response_ids["thread_id"])] == [run_id]


def test_ids_of_the_other_api_fail_check_naming_the_field(engine: ProviderServer, fake: FakeOpenAI, blob: str,
                                                          response_ids: dict[str, str]) -> None:
    fake.clear_requests()
    news = {**response_ids, "__provider": blob}
    failures = dict(engine.check(RUN_URN, {}, {**news, "assistant_id": "asst_abc"}).failures)
    assert set(failures) == {"assistant_id"} and "an agent's id" in failures["assistant_id"]
    failures = dict(engine.check(RUN_URN, {}, {**news, "api": "assistants"}).failures)
    assert set(failures) == {"thread_id"}  # an agent's id has no shape that says which API it is of
    assert fake.requests == []


def test_a_question_asked_with_the_run_on_the_responses_api(engine: ProviderServer, fake: FakeOpenAI,
                                                            blob: str) -> None:
    agent, conversation = fake.create_agent(instructions="Be brief."), fake.create_conversation()["id"]
    parts = [{"type": "input_text", "text": "What does the chart show?"},
             {"type": "input_image", "image_url": "https://example.com/chart.png"}]
    news = {"assistant_id": agent["id"], "thread_id": conversation, "input": parts, "completion_window": 30.0,
            "__provider": blob}

    # preview: an input not known yet passes check, and would make a new response
    fake.clear_requests()
    assert engine.check(RUN_URN, {}, {**news, "input": UNKNOWN}).failures == []
    assert fake.requests == []

    run_id, state = up(engine, news)
    assert state["status"] == "completed" and state["reply"] == "Hello from the fake assistant."
    assert state["input"] == parts  # as given, over the wire and back
    [sent] = [r.json for r in fake.requests if r.method == "POST" and r.path == "/responses"]
    assert sent["input"] == [{"type": "message", "role": "user", "content": [parts[0], {**parts[1], "detail": "auto"}]}]
    items = fake.conversation_items(conversation)
    assert [item["role"] for item in items] == ["user", "assistant"]  # the question, then the answer
    assert items[0]["content"][0]["text"] == "What does the chart show?"
    assert state["message_ids"] == [items[1]["id"]]

    # asking something else makes a new response; the old one has finished, so it goes after
    fake.clear_requests()
    for changed in ("What is the trend?", UNKNOWN):
        diff = engine.diff(RUN_URN, run_id, state, {**news, "input": changed}, old_inputs=news)
        assert (diff.changes, diff.replaces, diff.delete_before_replace) == ("some", ["input"], False)
    assert engine.diff(RUN_URN, run_id, state, news, old_inputs=news).changes == "none"
    assert fake.requests == []

    # refresh keeps the input; destroy deletes the response, the conversation keeps what was said
    read = engine.read(RUN_URN, run_id, state, news)
    assert read.id == run_id and read.inputs is not None and read.inputs["input"] == parts
    engine.delete(RUN_URN, run_id, read.outs)
    assert fake.responses_on(conversation) == [] and len(fake.conversation_items(conversation)) == 2


def test_a_run_on_a_model_alone_on_the_responses_api(engine: ProviderServer, fake: FakeOpenAI, blob: str) -> None:
    conversation = fake.create_conversation(messages=["Summarise the report."])["id"]
    news = {"thread_id": conversation, "model": "gpt-6.2-sol", "instructions": "Answer in one sentence.",
            "completion_window": 30.0, "__provider": blob}

    # check: a model is enough on this API, even before the conversation exists; neither is refused
    fake.clear_requests()
    assert engine.check(RUN_URN, {}, {**news, "thread_id": UNKNOWN, "api": "responses"}).failures == []
    without = {k: v for k, v in news.items() if k != "model"}
    failures = dict(engine.check(RUN_URN, {}, without).failures)
    assert set(failures) == {"assistant_id"} and "'model'" in failures["assistant_id"]
    prompt = dict(engine.check(RUN_URN, {}, {**news, "assistant_id": "pmpt_abc"}).failures)
    assert set(prompt) == {"assistant_id"} and "2026-11-30" in prompt["assistant_id"]
    assert fake.requests == []

    run_id, state = up(engine, news)
    assert run_id.startswith("resp_") and state["status"] == "completed" and state["reply"]
    assert "assistant_id" not in state or state["assistant_id"] is None
    assert fake.count("GET", r"/agents/.*") == 0  # no agent to read
    [sent] = [r.json for r in fake.requests if r.method == "POST" and r.path == "/responses"]
    assert (sent["model"], sent["instructions"]) == ("gpt-6.2-sol", "Answer in one sentence.")
    assert fake.response(run_id)["model"] == "gpt-6.2-sol"

    # a changed model makes a new response; refresh and destroy as for any response
    diff = engine.diff(RUN_URN, run_id, state, {**news, "model": "gpt-6.1-terra"}, old_inputs=news)
    assert (diff.changes, diff.replaces) == ("some", ["model"])
    read = engine.read(RUN_URN, run_id, state, news)
    assert read.id == run_id and read.outs["steps"] == state["steps"]
    engine.delete(RUN_URN, run_id, read.outs)
    assert fake.responses_on(conversation) == []


def test_stream_for_tool_without_a_window_fails_check_over_the_wire(engine: ProviderServer, blob: str,
                                                                     response_ids: dict[str, str]) -> None:
    failures = dict(engine.check(RUN_URN, {}, {**response_ids, "stream_for_tool": True, "__provider": blob}).failures)
    assert set(failures) == {"stream_for_tool"} and "set completion_window, or drop stream_for_tool" in failures[
        "stream_for_tool"]
