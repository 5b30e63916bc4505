"""RunProvider against the fake over HTTP, on both APIs (``api``: Assistants or Responses): what a Run does
the same on either. What only one API does is in test_assistants_on_fake.py and test_responses_on_fake.py."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.testing import FakeOpenAI, RunScript, configured_provider
from tests.apis import ApiCase


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
