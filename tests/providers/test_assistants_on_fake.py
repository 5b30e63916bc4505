"""RunProvider against the fake Assistants API over HTTP: outcomes, outputs and request counts; what it does as
on the Responses API is tested for both in test_run_on_fake.py."""

from __future__ import annotations

import json

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, RunScript, configured_provider
from tests.apis import ASSISTANTS

RUNS = r"/threads/[^/]+/runs"
RUN = r"/threads/[^/]+/runs/run_\w+"


@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, str]:
    return ASSISTANTS.seed(fake)


def test_up_waits_and_records_everything(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(outcome="completed", duration=3.0, reply="The report says hi.",
                               code_interpreter_files=2, file_search_files=("file-doc1",),
                               message_file_ids=("file-cite1",), extra_steps=120))
    result = provider.create({**ids, "completion_window": 60.0, "metadata": {"team": "docs"}})
    outs = result.outs
    run = fake.run(result.id)
    assert outs["status"] == "completed" == run["status"]
    assert outs["object"] == "thread.run"
    assert (outs["created_at"], outs["started_at"], outs["completed_at"]) == (
        run["created_at"], run["started_at"], run["completed_at"])
    assert outs["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    # All steps across pages, oldest first, details as JSON.
    assert len(outs["steps"]) == 123
    assert [s["created_at"] for s in outs["steps"]] == sorted(s["created_at"] for s in outs["steps"])
    assert {s["type"] for s in outs["steps"]} == {"tool_calls", "message_creation"}
    first = json.loads(outs["steps"][0]["details"])
    assert first["type"] == "tool_calls"
    assert "The report says hi." in outs["reply"]
    assert set(outs["file_ids"]) >= {"file-doc1", "file-cite1"}
    assert len([f for f in outs["file_ids"] if f not in ("file-doc1", "file-cite1")]) == 2
    assert outs["file_ids"] == sorted(set(outs["file_ids"]))
    assert outs["metadata"] == {"team": "docs"} and outs["assistant_id"] == ids["assistant_id"]
    # Steps at the largest page size: 123 steps take two pages.
    steps_requests = [r for r in fake.requests if r.path.endswith("/steps")]
    assert [r.query["limit"] for r in steps_requests] == [["100"], ["100"]]
    assert fake.count("POST", RUNS) == 1


@pytest.mark.parametrize(("outcome", "expected"), [
    ("failed", "ended failed: server_error: The fake model failed."),
    ("expired", "ended expired"),
])
def test_failed_and_expired_runs_fail_the_create(fake: FakeOpenAI, provider: RunProvider,
                                                 ids: dict[str, str], outcome: str, expected: str) -> None:
    fake.script_runs(RunScript(outcome=outcome))  # type: ignore[arg-type]
    with pytest.raises(ProviderError, match=expected) as caught:
        provider.create({**ids, "completion_window": 30.0})
    run_id = fake.runs_on(ids["thread_id"])[0]["id"]
    assert run_id in str(caught.value)
    assert fake.count("POST", RUN + "/cancel") == 0


def test_an_incomplete_run_succeeds_and_says_why(fake: FakeOpenAI, provider: RunProvider,
                                                 ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(outcome="incomplete", incomplete_reason="max_completion_tokens"))
    outs = provider.create({**ids, "completion_window": 30.0, "max_tokens": 16.0}).outs
    assert outs["status"] == "incomplete"
    assert outs["incomplete_details"] == {"reason": "max_completion_tokens"}
    sent = next(r for r in fake.requests if r.method == "POST" and r.path.endswith("/runs"))
    assert sent.json["max_completion_tokens"] == 16 and "max_tokens" not in sent.json


def test_requires_action_cancels_the_run_before_failing(fake: FakeOpenAI, provider: RunProvider,
                                                        ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(outcome="requires_action", function_name="lookup_order"))
    tools = [{"type": "function", "name": "lookup_order", "parameters": '{"type": "object"}'}]
    with pytest.raises(ProviderError, match="requires action") as caught:
        provider.create({**ids, "completion_window": 30.0, "tools": tools})
    run = fake.runs_on(ids["thread_id"])[0]
    assert run["status"] == "cancelled"  # nothing left running
    assert run["id"] in str(caught.value) and "lookup_order" in str(caught.value)


def test_refresh_sees_metadata_drift(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    import openai

    created = provider.create({**ids, "metadata": {"team": "docs"}})
    client = openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0)
    client.beta.threads.runs.update(created.id, thread_id=ids["thread_id"], metadata={"team": "ops"})
    result = provider.read(created.id, dict(created.outs))
    assert result.outs is not None and result.outs["metadata"] == {"team": "ops"}
    assert result.inputs is not None and result.inputs["metadata"] == {"team": "ops"}
    assert provider.diff(created.id, result.outs, {**ids, "metadata": {"team": "docs"}}).changes is True



def test_refresh_sees_metadata_cleared_outside_pulumi(fake: FakeOpenAI, provider: RunProvider,
                                                      ids: dict[str, str]) -> None:
    import openai

    created = provider.create({**ids, "metadata": {"team": "docs"}})
    client = openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0)
    client.beta.threads.runs.update(created.id, thread_id=ids["thread_id"], metadata={})
    result = provider.read(created.id, dict(created.outs))
    assert result.outs is not None and result.outs.get("metadata") is None
    assert result.inputs is not None and "metadata" not in result.inputs
    assert provider.diff(created.id, result.outs, {**ids, "metadata": {"team": "docs"}}).changes is True

def test_refresh_of_a_run_whose_thread_is_gone(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    import openai

    created = provider.create(dict(ids))
    fake.advance(5)
    client = openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0)
    client.beta.threads.delete(ids["thread_id"])
    assert provider.read(created.id, dict(created.outs)).id == ""
    provider.delete(created.id, dict(created.outs))  # nothing to do, no error


def test_import_with_only_the_id_and_thread(fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    created = provider.create({**ids, "metadata": {"team": "docs"}, "completion_window": 30.0})
    result = provider.read(created.id, {"thread_id": ids["thread_id"]})
    assert result.id == created.id
    assert result.inputs == {**ids, "metadata": {"team": "docs"}}
    assert result.outs is not None and result.outs["status"] == "completed"
    assert result.outs["steps"] == created.outs["steps"]


def test_import_without_a_thread_says_how(provider: RunProvider) -> None:
    with pytest.raises(ProviderError, match=r"Run.get\(name, 'run_x', thread_id="):
        provider.read("run_x", {})


def test_metadata_update_in_place_and_window_change_touches_nothing(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    created = provider.create({**ids, "metadata": {"team": "docs"}, "completion_window": 30.0})
    fake.clear_requests()
    updated = provider.update(created.id, created.outs, {**ids, "metadata": {"team": "ops", "tier": "1"},
                                                         "completion_window": 30.0})
    assert fake.run(created.id)["metadata"] == {"team": "ops", "tier": "1"}
    assert updated.outs is not None and updated.outs["metadata"] == {"team": "ops", "tier": "1"}
    assert updated.outs["steps"] == created.outs["steps"]
    assert fake.count("POST", RUNS) == 0
    fake.clear_requests()
    provider.update(created.id, updated.outs, {**ids, "metadata": {"team": "ops", "tier": "1"},
                                               "completion_window": 90.0, "stream_for_tool": True})
    assert fake.requests == []


def test_destroy_cancels_a_running_run_and_waits(fake: FakeOpenAI, provider: RunProvider,
                                                 ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    created = provider.create(dict(ids))
    provider.delete(created.id, dict(created.outs))
    assert fake.run(created.id)["status"] == "cancelled"


def test_destroy_of_a_finished_run_sends_no_cancel(fake: FakeOpenAI, provider: RunProvider,
                                                   ids: dict[str, str]) -> None:
    created = provider.create({**ids, "completion_window": 30.0})
    fake.clear_requests()
    provider.delete(created.id, dict(created.outs))
    assert fake.count("POST", RUN + "/cancel") == 0
    assert fake.run(created.id)["status"] == "completed"


def test_the_key_never_reaches_outputs_or_errors(fake: FakeOpenAI, ids: dict[str, str],
                                                 fake_clock: FakeApiClock) -> None:
    provider = configured_provider(fake)
    fake.script_runs(RunScript(), RunScript(outcome="failed"))
    outs = provider.create({**ids, "completion_window": 30.0}).outs
    assert fake.api_key not in json.dumps(outs)
    with pytest.raises(ProviderError) as caught:
        provider.create({**ids, "completion_window": 30.0})
    assert fake.api_key not in str(caught.value)
    wrong = configured_provider(fake, **{"openai:apiKey": "sk-wrong-key-abcdef"})
    with pytest.raises(ProviderError, match="HTTP 401") as refused:
        wrong.create({**ids, "completion_window": 30.0})
    assert "sk-wrong-key-abcdef" not in str(refused.value)

