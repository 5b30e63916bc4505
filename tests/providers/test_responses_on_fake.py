"""RunProvider on the Responses API (the fake's /responses and /conversations over HTTP): the same Run, the
same outcomes and rules, on an agent (or a model alone), a conversation and a response; what it does as on the
Assistants API is tested for both in test_run_on_fake.py."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.schema import CREATE_TOKEN_KEY as TOKEN_KEY
from pulumi_openai_run.schema import UNKNOWN
from pulumi_openai_run.testing import (
    FakeApiClock,
    FakeOpenAI,
    Fault,
    RunScript,
    configured_provider,
    patch_provider_clock,
)
from tests.apis import RESPONSES

CREATE = r"/responses"
RESPONSE = r"/responses/resp_\w+"
CANCEL = r"/responses/resp_\w+/cancel"


@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, str]:
    return RESPONSES.seed(fake)


def created(fake: FakeOpenAI) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests if r.method == "POST" and r.path == "/responses"]


# --- outcomes --------------------------------------------------------------------------------------


def test_up_waits_and_records_everything(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=3.0, reply="The report says hi.", code_interpreter_files=2,
                               file_search_files=("file-doc1",), message_file_ids=("file-cite1",), extra_steps=3))
    tools = [{"type": "function", "name": "lookup", "parameters": '{"type": "object"}'}, {"type": "code_interpreter"}]
    result = provider.create({**ids, "completion_window": 60.0, "metadata": {"team": "docs"}, "max_tokens": 300.0,
                              "temperature": 0.5, "tools": tools})
    outs, response = result.outs, fake.response(result.id)
    assert result.id.startswith("resp_")
    assert outs["status"] == "completed" == response["status"] and outs["object"] == "response"
    assert (outs["created_at"], outs["completed_at"], outs["started_at"]) == (
        response["created_at"], response["completed_at"], None)
    assert outs["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                             "input_tokens": 10, "output_tokens": 5}
    assert [s["type"] for s in outs["steps"]] == ["code_interpreter_call", "file_search_call", *[
        "code_interpreter_call"] * 3, "message"]
    assert [s["id"] for s in outs["steps"]] == [item["id"] for item in response["output"]]
    assert json.loads(outs["steps"][1]["details"])["results"][0]["file_id"] == "file-doc1"  # included
    assert outs["reply"].startswith("The report says hi.")
    assert {"file-doc1", "file-cite1"} <= set(outs["file_ids"]) and len(outs["file_ids"]) == 4
    assert [f for f in outs["file_ids"] if f.startswith("cfile_")]  # code interpreter container files
    assert outs["message_ids"] == [response["output"][-1]["id"]]
    assert outs["message_ids"][0] in [item["id"] for item in fake.conversation_items(ids["thread_id"])]
    assert outs["metadata"] == {"team": "docs"} and outs["assistant_id"] == ids["assistant_id"]
    # one create on the conversation, in the background, stored, configured inline: the agent's model and
    # instructions, the Run's overrides
    [sent] = created(fake)
    agent = fake.agent(ids["assistant_id"])
    assert "prompt" not in sent and sent["conversation"] == ids["thread_id"]
    assert (sent["model"], sent["instructions"]) == (agent["model"], "Be brief.")
    assert (response["model"], response["instructions"]) == (agent["model"], "Be brief.")
    assert sent["background"] is True and sent["store"] is True
    assert sent["max_output_tokens"] == 300 and sent["temperature"] == 0.5
    assert sent["tools"] == [{"type": "function", "name": "lookup", "parameters": {"type": "object"}, "strict": False},
                             {"type": "code_interpreter", "container": {"type": "auto"}}]
    assert sent["metadata"]["team"] == "docs" and response["metadata"][TOKEN_KEY] == sent["metadata"][TOKEN_KEY]
    # a finished response is read whole: no request for its steps
    assert fake.count("GET", r"/responses/resp_\w+/.*") == 0


@pytest.mark.parametrize("outcome", ["failed", "expired"])
def test_a_failed_response_fails_the_create(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str],
                                            outcome: str) -> None:
    fake.script_runs(RunScript(outcome=outcome,  # type: ignore[arg-type]
                               last_error={"code": "rate_limit_exceeded", "message": "Slow down."}))
    with pytest.raises(ProviderError, match="ended failed: rate_limit_exceeded: Slow down") as caught:
        provider.create({**ids, "completion_window": 30.0})
    [response] = fake.responses_on(ids["thread_id"])
    assert response["id"] in str(caught.value) and ids["thread_id"] in str(caught.value)
    assert fake.count("POST", CANCEL) == 0


def test_an_incomplete_response_succeeds_and_says_why(fake: FakeOpenAI, provider: RunProvider,
                                                      ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(outcome="incomplete"))
    outs = provider.create({**ids, "completion_window": 30.0, "max_tokens": 16.0}).outs
    assert outs["status"] == "incomplete"
    assert outs["incomplete_details"] == {"reason": "max_output_tokens"}
    assert outs["reply"] == "Hello from the fake assistant."


def test_a_function_call_nobody_answers_fails_naming_it(fake: FakeOpenAI, provider: RunProvider,
                                                        ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(outcome="requires_action", function_name="lookup_order"))
    tools = [{"type": "function", "name": "lookup_order", "parameters": '{"type": "object"}'}]
    with pytest.raises(ProviderError, match="requires action") as caught:
        provider.create({**ids, "completion_window": 30.0, "tools": tools})
    [response] = fake.responses_on(ids["thread_id"])
    assert response["id"] in str(caught.value) and "lookup_order" in str(caught.value)
    assert response["status"] == "completed"  # it ended by calling the function: nothing left running
    assert fake.count("POST", CANCEL) == 0  # so no cancel is sent
    assert "cancelled" not in str(caught.value)  # and the error does not claim one


def test_an_unknown_agent_or_conversation_fails_fast_naming_it(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    with pytest.raises(ProviderError, match=r"read agent agent_missing.*HTTP 404"):
        provider.create({**ids, "assistant_id": "agent_missing", "completion_window": 60.0})
    with pytest.raises(ProviderError, match=r"conv_missing.*HTTP 404"):
        provider.create({**ids, "thread_id": "conv_missing", "completion_window": 60.0})
    assert fake.responses_on(ids["thread_id"]) == []


# --- refresh, import, update, destroy ----------------------------------------------------------


def test_refresh_of_a_deleted_response_drops_it(fake: FakeOpenAI, provider: RunProvider,
                                                ids: dict[str, str]) -> None:
    import openai

    result = provider.create({**ids, "completion_window": 30.0})
    openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0).responses.delete(result.id)
    assert provider.read(result.id, dict(result.outs)).id == ""
    provider.delete(result.id, dict(result.outs))  # nothing to do, no error


@pytest.mark.parametrize("given", [{}, {"thread_id": "conversation"}], ids=["the id alone", "id and conversation"])
def test_import(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str], given: dict[str, str]) -> None:
    result = provider.create({**ids, "metadata": {"team": "docs"}, "completion_window": 30.0})
    props = {"thread_id": ids["thread_id"]} if given else {}
    imported = provider.read(result.id, props)
    assert imported.id == result.id
    # a response does not say which agent configured it: give assistant_id to Run.get to keep it
    assert imported.inputs == {"thread_id": ids["thread_id"], "metadata": {"team": "docs"}}
    assert provider.read(result.id, {**props, "assistant_id": ids["assistant_id"]}).inputs == {
        **ids, "metadata": {"team": "docs"}}
    assert imported.outs is not None and imported.outs["steps"] == result.outs["steps"]
    assert imported.outs["reply"] == result.outs["reply"]


def test_metadata_change_replaces_and_other_changes_keep_their_meaning(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    result = provider.create({**ids, "metadata": {"team": "docs"}, "completion_window": 30.0})
    state, news = result.outs, {**ids, "metadata": {"team": "docs"}, "completion_window": 30.0}
    fake.clear_requests()

    diff = provider.diff(result.id, state, {**news, "metadata": {"team": "ops"}})
    assert (diff.changes, diff.replaces) == (True, ["metadata"])  # a response is immutable
    assert diff.delete_before_replace is False  # it has finished: make the new one, then delete it
    running = provider.diff(result.id, {**state, "status": "in_progress"}, {**news, "metadata": {"team": "ops"}})
    assert running.delete_before_replace is True  # it holds the conversation: stop it first
    assert provider.diff(result.id, state, {**news, "instructions": "More."}).replaces == ["instructions"]
    assert provider.diff(result.id, state, {**news, "thread_id": "conv_other"}).delete_before_replace is False

    local = provider.diff(result.id, state, {**news, "completion_window": 90.0, "stream_for_tool": True})
    assert (local.changes, local.replaces) == (True, [])
    spelt_out = provider.diff(result.id, state, {**news, "api": "responses"})
    assert (spelt_out.changes, spelt_out.replaces) == (False, [])  # the ids already chose it

    updated = provider.update(result.id, state, {**news, "completion_window": 90.0})
    assert updated.outs is not None and updated.outs["steps"] == state["steps"]
    assert fake.requests == []  # no API call, and none that could change a response

    # the Assistants API keeps its in-place update
    assistants = {"assistant_id": "asst_a", "thread_id": "thread_t", "metadata": {"team": "docs"}}
    diff = provider.diff("run_1", {**assistants, "status": "completed"}, {**assistants, "metadata": {"team": "ops"}})
    assert (diff.changes, diff.replaces) == (True, [])


def test_an_update_of_metadata_asked_for_anyway_is_refused_clearly(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    result = provider.create({**ids, "metadata": {"team": "docs"}})
    with pytest.raises(ProviderError, match=r"cannot be changed.*replaces"):
        provider.update(result.id, result.outs, {**ids, "metadata": {"team": "ops"}})
    assert fake.response(result.id)["metadata"]["team"] == "docs"


def test_destroy_cancels_a_running_response_then_deletes_it(fake: FakeOpenAI, provider: RunProvider,
                                                             ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    result = provider.create(dict(ids))
    fake.clear_requests()
    provider.delete(result.id, dict(result.outs))
    assert [(r.method, r.path.replace(result.id, "ID")) for r in fake.requests] == [
        ("GET", "/responses/ID"), ("POST", "/responses/ID/cancel"), ("DELETE", "/responses/ID")]
    with pytest.raises(KeyError):
        fake.response(result.id)
    assert fake.responses_on(ids["thread_id"]) == []


def test_destroy_of_a_finished_response_deletes_it_without_a_cancel(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    result = provider.create({**ids, "completion_window": 30.0})
    items = fake.conversation_items(ids["thread_id"])
    fake.clear_requests()
    provider.delete(result.id, dict(result.outs))
    assert fake.count("POST", CANCEL) == 0 and fake.count("DELETE", RESPONSE) == 1
    assert fake.conversation_items(ids["thread_id"]) == items  # the conversation keeps what was said


# --- check -------------------------------------------------------------------------------------


def test_check_refuses_ids_of_the_other_api_naming_the_field(provider: RunProvider, ids: dict[str, str]) -> None:
    def failures(**news: Any) -> dict[str, str]:
        return {f.property: f.reason for f in provider.check({}, news).failures}

    assert failures(**ids) == {}
    assert failures(**ids, api="responses") == {}
    assert set(failures(**ids, api="assistants")) == {"thread_id"}  # an agent's id has no shape to go by
    assert set(failures(assistant_id="asst_1", thread_id=ids["thread_id"])) == {"assistant_id"}
    assert failures(assistant_id=ids["assistant_id"], thread_id="thread_1") == {}  # could be an assistant's
    assert set(failures(assistant_id="asst_1", thread_id="thread_1", api="responses")) == {"assistant_id", "thread_id"}
    assert set(failures(**ids, api="chat")) == {"api"}
    assert set(failures(**ids, tools=[{"type": "file_search"}], max_tokens=8.0)) == {"tools", "max_tokens"}


def test_check_wants_an_agent_or_a_model_and_refuses_stored_prompts(provider: RunProvider,
                                                                    ids: dict[str, str]) -> None:
    def failures(**news: Any) -> dict[str, str]:
        return {f.property: f.reason for f in provider.check({}, news).failures}

    conversation = ids["thread_id"]
    assert failures(thread_id=conversation, model="gpt-6.2-sol") == {}
    assert failures(thread_id=conversation, assistant_id=UNKNOWN) == {}  # an Assistant not made yet, in a preview
    neither = failures(thread_id=conversation, instructions="Be brief.")
    assert set(neither) == {"assistant_id"} and "'model'" in neither["assistant_id"]
    prompt = failures(thread_id=conversation, assistant_id="pmpt_abc")
    assert set(prompt) == {"assistant_id"} and "2026-11-30" in prompt["assistant_id"]
    # on the Assistants API an assistant stays required
    assistants = failures(thread_id="thread_1", model="gpt-6.2-sol")
    assert set(assistants) == {"assistant_id"} and "required on the Assistants API" in assistants["assistant_id"]


# --- faults: retried, and never a second response --------------------------------------------

def test_transient_errors_on_cancel_and_delete_are_retried(fake: FakeOpenAI, provider: RunProvider,
                                                           ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    result = provider.create(dict(ids))
    fake.inject(Fault(method="POST", path=CANCEL, kind="status", status=503, times=2))
    fake.inject(Fault(method="DELETE", path=RESPONSE, kind="reset", times=2))
    provider.delete(result.id, dict(result.outs))
    assert fake.responses_on(ids["thread_id"]) == []


def test_a_lost_create_of_a_response_still_running_is_not_sent_again(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    fake.inject(Fault(method="POST", path=CREATE, kind="lose_response"))
    with pytest.raises(ProviderError, match="was not sent again") as caught:
        provider.create({**ids, "completion_window": 60.0})
    [response] = fake.responses_on(ids["thread_id"])  # exactly one
    token = response["metadata"][TOKEN_KEY]
    assert f"{TOKEN_KEY}={token}" in str(caught.value)  # how to find it
    assert f"thread_id='{ids['thread_id']}'" in str(caught.value)  # and adopt it
    assert "busy" in str(caught.value)
    # the second try was the evidence: the conversation refused it, as it runs the lost response
    assert fake.count("POST", CREATE) == 2


def test_a_lost_create_of_a_response_already_finished_is_not_sent_again(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(queued_for=0.0, duration=0.0))  # done before anyone looks
    fake.inject(Fault(method="POST", path=CREATE, kind="lose_response"))
    with pytest.raises(ProviderError, match="has new items since") as caught:
        provider.create({**ids, "completion_window": 60.0, "metadata": {f"k{i}": "v" for i in range(16)}})
    assert len(fake.responses_on(ids["thread_id"])) == 1
    assert fake.count("POST", CREATE) == 1
    assert "no marker" in str(caught.value)  # 16 keys of metadata left no room for one


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 502}, {"kind": "reset"}], ids=["502", "reset"])
def test_an_unknown_outcome_that_made_nothing_is_sent_again_once(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str], fault: dict[str, Any]) -> None:
    fake.inject(Fault(method="POST", path=CREATE, **fault))  # unknown to the client; the fake made nothing
    result = provider.create({**ids, "completion_window": 60.0})
    assert [r["id"] for r in fake.responses_on(ids["thread_id"])] == [result.id]
    assert fake.count("POST", CREATE) == 2
    tokens = {sent["metadata"][TOKEN_KEY] for sent in created(fake)}
    assert len(tokens) == 1  # the same request, marker and all


@pytest.mark.slow
def test_a_stream_lost_before_it_names_the_response_is_not_sent_again() -> None:
    with FakeOpenAI(clock="real") as live:
        live.default_script = RunScript(queued_for=0.05, duration=5.0)
        ids = RESPONSES.seed(live)
        live.inject(Fault(method="POST", path=CREATE, kind="lose_response"))
        with pytest.raises(ProviderError, match="was not sent again"):
            configured_provider(live).create({**ids, "completion_window": 30.0, "stream_for_tool": True})
        assert len(live.responses_on(ids["thread_id"])) == 1


def test_a_lost_response_that_finishes_during_the_backoff_is_not_sent_again(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(queued_for=0.0, duration=0.05))  # running at the first look, done by the next
    fake.inject(Fault(method="POST", path=CREATE, kind="lose_response"))
    with pytest.raises(ProviderError, match="has new items since"):
        provider.create({**ids, "completion_window": 60.0})
    assert len(fake.responses_on(ids["thread_id"])) == 1
    assert fake.count("POST", CREATE) == 1


# --- configuration: the agent's, inline, or a model alone ----------------------------------------


def test_a_run_on_a_model_alone_reads_no_agent(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    inputs = {"thread_id": ids["thread_id"], "model": "gpt-6.2-sol", "instructions": "Answer in one line.",
              "input": "What is the outlook?", "completion_window": 30.0}
    assert provider.check({}, inputs).failures == []
    result = provider.create(inputs)
    assert result.outs["status"] == "completed" and "assistant_id" not in result.outs
    assert fake.count("GET", r"/agents/.*") == 0
    [sent] = created(fake)
    assert (sent["model"], sent["instructions"]) == ("gpt-6.2-sol", "Answer in one line.")
    assert sent["input"] == [{"type": "message", "role": "user", "content": "What is the outlook?"}]
    assert "tools" not in sent and "reasoning" not in sent


def test_the_agents_configuration_goes_inline_and_the_runs_inputs_override_it(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    agent = fake.create_agent(
        instructions="Cite sources.", reasoning={"effort": "low"}, text={"verbosity": "low"},
        tools=[{"type": "web_search", "context_size": "high", "allowed_domains": ["example.com"]},
               {"type": "function", "name": "lookup", "description": "Look it up.", "parameters": {"type": "object"}}])
    provider.create({**ids, "assistant_id": agent["id"], "completion_window": 30.0, "temperature": 0.2})
    provider.create({**ids, "assistant_id": agent["id"], "completion_window": 30.0, "model": "gpt-6.1-terra",
                     "instructions": "Be terse.", "tools": [{"type": "code_interpreter"}]})
    inherited, overridden = created(fake)
    assert (inherited["model"], inherited["instructions"]) == (agent["model"], "Cite sources.")
    assert inherited["reasoning"] == {"effort": "low"} and inherited["text"]["verbosity"] == "low"
    assert inherited["temperature"] == 0.2
    assert [tool["type"] for tool in inherited["tools"]] == ["web_search", "function"]
    assert inherited["tools"][0]["search_context_size"] == "high"
    assert inherited["tools"][0]["filters"] == {"allowed_domains": ["example.com"]}
    assert (overridden["model"], overridden["instructions"]) == ("gpt-6.1-terra", "Be terse.")
    assert overridden["tools"] == [{"type": "code_interpreter", "container": {"type": "auto"}}]
    assert overridden["reasoning"] == {"effort": "low"}  # what the Run does not set stays the agent's
    assert fake.count("GET", f"/agents/{agent['id']}") == 2  # read at each create: an agent can change


@pytest.mark.parametrize("tool", [{"type": "computer_use"}, {"type": "automations"}])
def test_an_agent_tool_the_responses_api_cannot_take_fails_naming_it(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str], tool: dict[str, Any]) -> None:
    agent = fake.create_agent(tools=[tool])
    with pytest.raises(ProviderError, match=rf"agent {agent['id']}'s tools\[0\] \({tool['type']}\)") as caught:
        provider.create({**ids, "assistant_id": agent["id"], "completion_window": 30.0})
    assert "own tools" in str(caught.value)
    assert fake.responses_on(ids["thread_id"]) == [] and created(fake) == []  # nothing was sent
    # the Run's own tools replace the agent's
    result = provider.create({**ids, "assistant_id": agent["id"], "completion_window": 30.0, "tools": []})
    assert result.outs["status"] == "completed"


def test_input_parts_become_the_responses_user_message(fake: FakeOpenAI, provider: RunProvider,
                                                       ids: dict[str, str]) -> None:
    parts = [{"type": "input_text", "text": "Summarise this."},
             {"type": "input_file", "file_url": "https://example.com/report.pdf"},
             {"type": "input_image", "file_id": "file-chart"}]
    provider.create({**ids, "input": parts, "completion_window": 30.0})
    [sent] = created(fake)
    assert sent["input"] == [{"type": "message", "role": "user", "content": [
        parts[0], parts[1], {**parts[2], "detail": "auto"}]}]
    items = fake.conversation_items(ids["thread_id"])
    assert [item.get("role") for item in items] == ["user", "user", "assistant"]  # seeded, the input, the reply


# --- stream_for_tool: resumed when it drops, polled when the server will not stream ----------------


def resumes(fake: FakeOpenAI) -> list[list[str]]:
    """The starting_after of each resumed stream (GET /responses/{id}?stream=true)."""
    return [r.query.get("starting_after", []) for r in fake.requests
            if r.method == "GET" and re.fullmatch(RESPONSE, r.path) and r.query.get("stream") == ["true"]]


@pytest.mark.slow
@pytest.mark.parametrize(("drops", "resume_fault"), [(1, None), (2, None), (1, 503), (1, 429)],
                         ids=["once", "and the resumed one too", "the resume answers 503 first", "429 first"])
def test_a_stream_dropped_midway_is_resumed_after_its_last_event(drops: int, resume_fault: int | None) -> None:
    with FakeOpenAI(clock="real") as live:
        live.default_script = RunScript(queued_for=0.05, duration=0.4, extra_steps=2)
        ids = RESPONSES.seed(live)
        live.inject(Fault(method="POST", path=CREATE, kind="drop_stream", after_events=3))
        if drops == 2:
            live.inject(Fault(method="GET", path=RESPONSE, kind="drop_stream", after_events=2))
        if resume_fault is not None:  # retried like every call, then resumed
            live.inject(Fault(method="GET", path=RESPONSE, kind="status", status=resume_fault, retry_after_ms=10))
        result = configured_provider(live).create({**ids, "completion_window": 30.0, "stream_for_tool": True})
        assert result.outs["status"] == "completed" and result.outs["reply"] == "Hello from the fake assistant."
        assert len(result.outs["steps"]) == 3
        assert [r["id"] for r in live.responses_on(ids["thread_id"])] == [result.id]  # exactly one
        assert live.count("POST", CREATE) == 1
        retried = [["2"]] if resume_fault is not None else []
        assert resumes(live) == retried + [["2"], ["4"]][:drops]  # each after the last sequence_number seen
        assert sum(1 for r in live.requests if r.method == "GET" and re.fullmatch(RESPONSE, r.path)) == (
            drops + len(retried))  # no poll


@pytest.mark.slow
def test_a_stream_that_does_not_resume_is_polled_to_the_same_outcome() -> None:
    with FakeOpenAI(clock="real") as live:
        live.default_script = RunScript(queued_for=0.05, duration=0.3)
        ids = RESPONSES.seed(live)
        live.inject(Fault(method="POST", path=CREATE, kind="drop_stream", after_events=2))
        live.inject(Fault(method="GET", path=RESPONSE, kind="status", status=400,
                          message="This response's stream cannot be resumed."))
        result = configured_provider(live).create({**ids, "completion_window": 30.0, "stream_for_tool": True})
        assert result.outs["status"] == "completed" and result.outs["reply"] == "Hello from the fake assistant."
        assert len(live.responses_on(ids["thread_id"])) == 1 and live.count("POST", CREATE) == 1
        assert len(resumes(live)) == 1  # tried once, then polled
        assert live.count("GET", RESPONSE) >= 2


def test_a_server_that_refuses_background_streaming_is_polled_to_the_same_outcome(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.inject(Fault(method="POST", path=CREATE, kind="status", status=400,
                      message="Streaming is not supported for background responses."))
    result = provider.create({**ids, "completion_window": 30.0, "stream_for_tool": True})
    assert result.outs["status"] == "completed" and result.outs["reply"] == "Hello from the fake assistant."
    first, second = created(fake)
    assert first["stream"] is True and "stream" not in second and first["metadata"] == second["metadata"]
    assert len(fake.responses_on(ids["thread_id"])) == 1


# --- faults on each call: retried, exactly one response ------------------------------------------

CALLS = {
    "the agent": ("GET", r"/agents/[^/]+"),
    "the items": ("GET", r"/conversations/[^/]+/items"),
    "the create": ("POST", CREATE),
    "a poll": ("GET", RESPONSE),
}


@pytest.mark.parametrize("fault", [{"status": 429}, {"status": 500}, {"status": 503}, {"kind": "reset"}],
                         ids=["429", "500", "503", "reset"])
@pytest.mark.parametrize("call", list(CALLS))
def test_a_transient_error_on_each_call_is_retried_making_exactly_one_response(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str], call: str, fault: dict[str, Any]) -> None:
    method, path = CALLS[call]
    fake.inject(Fault(method=method, path=path, times=2, **fault))
    result = provider.create({**ids, "completion_window": 60.0})
    assert result.outs["status"] == "completed" and result.outs["reply"] == "Hello from the fake assistant."
    assert [r["id"] for r in fake.responses_on(ids["thread_id"])] == [result.id]  # exactly one
    assert sum(1 for r in fake.requests if r.fault is not None) == 2
    assert fake.count("POST", CREATE) == (3 if call == "the create" else 1)
    assert len({sent["metadata"][TOKEN_KEY] for sent in created(fake)}) == 1


@pytest.mark.parametrize("status", [429, 502])
def test_a_transient_error_on_the_agent_with_a_stream_is_retried_too(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str], status: int) -> None:
    fake.inject(Fault(method="GET", path=CALLS["the agent"][1], kind="status", status=status))
    fake.script_runs(RunScript(queued_for=0.0, duration=0.0))  # done at once: the stream ends on its own
    result = provider.create({**ids, "completion_window": 60.0, "stream_for_tool": True})
    assert result.outs["status"] == "completed"
    assert len(fake.responses_on(ids["thread_id"])) == 1 and fake.count("POST", CREATE) == 1


@pytest.mark.parametrize("name", ["temperature", "top_p"])
def test_a_sampling_parameter_the_model_refuses_comes_back_as_the_apis_error_naming_it(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check does not guess which models take sampling parameters: the API says, and the error names the field."""
    with FakeOpenAI(sampling_refused_by=["gpt-6-astra"]) as fake:
        patch_provider_clock(monkeypatch, FakeApiClock(fake))
        conversation = fake.create_conversation(messages=["Hi"])["id"]
        provider = configured_provider(fake)
        inputs = {"model": "gpt-6-astra", "thread_id": conversation, name: 0.5, "completion_window": 60.0}
        assert provider.check({}, inputs).failures == []
        with pytest.raises(ProviderError, match=rf"Could not create a response: .*{name}.*\(HTTP 400\)"):
            provider.create(inputs)
        assert fake.responses_on(conversation) == []  # refused: nothing made, nothing to clean up
        provider.create({**inputs, "model": "gpt-6.2-sol"})  # a model that takes it
        assert len(fake.responses_on(conversation)) == 1
