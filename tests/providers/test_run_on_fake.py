"""RunProvider against the fake over HTTP, on both APIs (``api``: Assistants or Responses): what a Run does
the same on either. What only one API does is in test_assistants_on_fake.py and test_responses_on_fake.py."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.schema import UNKNOWN
from pulumi_openai_run.testing import FakeOpenAI, RunScript, configured_provider
from tests.apis import ASSISTANTS, RESPONSES, ApiCase


@pytest.mark.parametrize("window", [{}, {"completion_window": 0.0}], ids=["absent", "zero"])
def test_without_a_window_the_run_is_created_and_left_running(
        fake: FakeOpenAI, provider: RunProvider, api: ApiCase, api_ids: dict[str, str],
        window: dict[str, float]) -> None:
    result = provider.create({**api_ids, **window})
    assert result.outs["status"] == "queued"
    assert result.outs["steps"] == [] and result.outs["usage"] == {}
    assert [(r.method, r.path) for r in fake.requests] == api.create_requests(api_ids)
    assert api.run(fake, result.id)["status"] == "queued"


def test_an_elapsed_window_cancels_the_run_before_failing(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                          api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=120.0))
    start = fake.now()
    with pytest.raises(ProviderError, match=r"completion_window \(10 s\)") as caught:
        provider.create({**api_ids, "completion_window": 10.0})
    [run] = api.runs_on(fake, api_ids["thread_id"])
    assert run["status"] == "cancelled" and run["id"] in str(caught.value)
    assert fake.count("POST", api.cancel) == 1
    assert fake.now() - start < 12.0  # it gave up at the window, not later


def test_a_second_run_on_a_busy_thread_waits_for_it(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                    api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=20.0), RunScript(duration=1.0))
    first = provider.create(dict(api_ids))  # left running: the thread (conversation) is taken
    second = provider.create({**api_ids, "completion_window": 120.0})
    assert second.outs["status"] == "completed"
    assert api.run(fake, first.id)["status"] == "completed"
    assert len(api.runs_on(fake, api_ids["thread_id"])) == 2


def test_a_busy_thread_past_the_window_fails_without_creating(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                              api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=300.0))
    provider.create(dict(api_ids))
    with pytest.raises(ProviderError, match=api.busy):
        provider.create({**api_ids, "completion_window": 5.0})
    assert len(api.runs_on(fake, api_ids["thread_id"])) == 1


def test_refresh_sees_progress_then_costs_one_request(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                      api_ids: dict[str, str]) -> None:
    created = provider.create(dict(api_ids))
    fake.advance(5)
    fake.clear_requests()
    first = provider.read(created.id, dict(created.outs))
    assert first.outs is not None and first.outs["status"] == "completed"
    assert first.outs["reply"] == "Hello from the fake assistant." and len(first.outs["steps"]) == 1
    assert len(fake.requests) == api.first_refresh_requests
    fake.clear_requests()
    assert provider.read(created.id, first.outs).outs == first.outs
    assert len(fake.requests) == 1


@pytest.mark.slow
def test_streaming_gives_the_same_outputs_as_polling(api: ApiCase) -> None:
    with FakeOpenAI(clock="real") as live:  # the stream moves on real time
        live.default_script = RunScript(queued_for=0.05, duration=0.2, code_interpreter_files=1,
                                        file_search_files=("file-doc",))
        ids = api.seed(live)
        inputs: dict[str, Any] = {**ids, "completion_window": 30.0}
        provider = configured_provider(live)
        polled = provider.create(inputs).outs
        live.clear_requests()
        streamed = provider.create({**inputs, "stream_for_tool": True})
        assert [(r.method, r.path) for r in live.requests] == api.stream_requests(ids, streamed.id)
        [create] = [r for r in live.requests if r.method == "POST"]
        assert create.json["stream"] is True
        assert streamed.outs["status"] == polled["status"] == "completed"
        assert streamed.outs["reply"] == polled["reply"] and streamed.outs["usage"] == polled["usage"]
        assert len(streamed.outs["file_ids"]) == len(polled["file_ids"]) == 2  # the code's output, the document
        assert [s["type"] for s in streamed.outs["steps"]] == [s["type"] for s in polled["steps"]]


@pytest.mark.parametrize("bad", ["../../{collection}", "{run}_1/cancel", "{run} 1"])
def test_ids_from_state_are_checked_before_they_go_into_a_url(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                               bad: str) -> None:
    bad = bad.format(collection=api.collection, run=api.run_prefix)
    with pytest.raises(ProviderError, match="plain id"):
        provider.read(bad, api.state_of_a_run)
    with pytest.raises(ProviderError, match="plain id"):
        provider.delete(f"{api.run_prefix}_1", {**api.state_of_a_run, "thread_id": bad})
    assert fake.requests == []


# --- input: the question asked with the run ------------------------------------------------------


def test_input_asks_the_question_with_the_run(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                              api_ids: dict[str, str]) -> None:
    before = api.said(fake, api_ids["thread_id"])
    result = provider.create({**api_ids, "input": "And the outlook?", "completion_window": 30.0})
    assert result.outs["status"] == "completed" and result.outs["reply"] == "Hello from the fake assistant."
    said = api.said(fake, api_ids["thread_id"])
    assert said[:-1] == before and len(said) == len(before) + 1  # one user message more: the input
    assert "And the outlook?" in str(said[-1])
    assert len(api.runs_on(fake, api_ids["thread_id"])) == 1


def test_input_of_content_parts_in_the_apis_spelling(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                     api_ids: dict[str, str]) -> None:
    provider.create({**api_ids, "input": api.input_parts, "completion_window": 30.0})
    [said] = api.said(fake, api_ids["thread_id"])[-1:]
    assert [part["type"] for part in said] == [part["type"] for part in api.input_parts]
    assert said[0]["text"] == "What is in this picture?"


def test_check_of_input(provider: RunProvider, api: ApiCase, api_ids: dict[str, str]) -> None:
    def failures(value: Any) -> dict[str, str]:
        return {f.property: f.reason for f in provider.check({}, {**api_ids, "input": value}).failures}

    assert failures("Why?") == failures(api.input_parts) == {}
    for bad, why in [("", "must not be empty"), ([], "an empty list"), ([{"type": "audio"}], "allowed: input_text"),
                     ([{"type": "input_text"}], "'text'"), ([{"type": "image_url", "image_url": {}}], "url")]:
        found = failures(bad)
        assert set(found) == {"input"} and why in found["input"], (bad, found)
    other = ASSISTANTS if api is RESPONSES else RESPONSES  # the other API's parts name what this one takes
    found = failures(other.input_parts)
    assert set(found) == {"input"} and api.input_parts[0]["type"] in found["input"]


def test_a_changed_input_makes_a_new_run(provider: RunProvider, api: ApiCase, api_ids: dict[str, str]) -> None:
    old = {**api_ids, "input": "Why?", "status": "completed"}
    diff = provider.diff(f"{api.run_prefix}_1", old, {**api_ids, "input": "Why not?"})
    assert (diff.changes, diff.replaces) == (True, ["input"])
    unknown = provider.diff(f"{api.run_prefix}_1", old, {**api_ids, "input": UNKNOWN})
    assert unknown.replaces == ["input"]
    assert provider.diff(f"{api.run_prefix}_1", old, {**api_ids, "input": "Why?"}).changes is False


def test_stream_for_tool_without_a_window_fails_check_with_the_fix(provider: RunProvider, api: ApiCase,
                                                                  api_ids: dict[str, str]) -> None:
    for window in ({}, {"completion_window": 0.0}):
        [failure] = provider.check({}, {**api_ids, "stream_for_tool": True, **window}).failures
        assert failure.property == "stream_for_tool"
        assert "set completion_window, or drop stream_for_tool" in failure.reason
    for fine in ({"completion_window": 30.0}, {"completion_window": UNKNOWN}, {"stream_for_tool": False}):
        assert provider.check({}, {**api_ids, "stream_for_tool": True, **fine}).failures == []
