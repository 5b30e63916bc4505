"""RunProvider on a server that answers as OGX does where OGX departs from OpenAI, played by the fake with
the answers injected: what the provider learns from an answer it keeps for the client's later creates, and
a 409 to a cancel is read by what the response is doing (``tests/real_server/`` shows each on OGX itself)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._apis.responses.mapping import response_input
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.testing import FakeOpenAI, Fault, RunScript
from tests.apis import RESPONSES

CREATE = r"/responses"
CANCEL = r"/responses/resp_\w+/cancel"
OGX_INPUT_MISSING = "{'errors': [{'loc': ['body', 'input'], 'msg': 'Field required', 'type': 'missing'}]}"
OGX_NO_BACKGROUND_STREAM = "OGX does not yet support 'stream' and 'background' together."


@pytest.fixture
def ids(fake: FakeOpenAI) -> dict[str, str]:
    seeded = RESPONSES.seed(fake)
    return {"thread_id": seeded["thread_id"], "model": "gpt-6-astra"}


def created(fake: FakeOpenAI) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests if r.method == "POST" and r.path == "/responses"]


def test_a_server_that_requires_input_is_sent_an_empty_one_from_then_on(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.inject(Fault(method="POST", path=CREATE, kind="status", status=400, message=OGX_INPUT_MISSING))
    first = provider.create({**ids, "completion_window": 30.0})
    assert first.outs["status"] == "completed" and first.outs["reply"] == "Hello from the fake assistant."
    refused, resent = created(fake)
    assert "input" not in refused and resent["input"] == []  # no new message: the conversation is the context
    assert refused["metadata"] == resent["metadata"]  # the same create, marker and all
    assert len(fake.responses_on(ids["thread_id"])) == 1

    fake.clear_requests()
    provider.create({**ids, "completion_window": 30.0})  # the same client remembers: asked once, at once
    assert [body.get("input") for body in created(fake)] == [[]]
    provider.create({**ids, "completion_window": 30.0, "input": "And now?"})  # a Run's own input is its own
    assert created(fake)[-1]["input"] == response_input("And now?")


def test_openai_is_sent_no_input_when_the_run_has_none(fake: FakeOpenAI, provider: RunProvider,
                                                       ids: dict[str, str]) -> None:
    provider.create({**ids, "completion_window": 30.0})
    assert ["input" in body for body in created(fake)] == [False]


def test_a_refused_background_stream_is_not_asked_for_again_on_that_client(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.inject(Fault(method="POST", path=CREATE, kind="status", status=400, message=OGX_NO_BACKGROUND_STREAM))
    for _ in range(2):
        result = provider.create({**ids, "completion_window": 30.0, "stream_for_tool": True})
        assert result.outs["status"] == "completed"
    assert [body.get("stream") for body in created(fake)] == [True, None, None]


def test_a_conflict_to_a_cancel_of_a_running_response_is_retried(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=60.0))
    result = provider.create(dict(ids))
    fake.inject(Fault(method="POST", path=CANCEL, kind="status", status=409, message="Conflict."))
    provider.delete(result.id, dict(result.outs))
    assert fake.count("POST", CANCEL) == 2  # refused, looked at (still running), cancelled
    with pytest.raises(KeyError):
        fake.response(result.id)


def test_a_conflict_that_persists_fails_the_destroy_saying_so(
        fake: FakeOpenAI, provider: RunProvider, ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=600.0))
    result = provider.create(dict(ids))
    fake.inject(Fault(method="POST", path=CANCEL, kind="status", status=409, message="Conflict.", times=10_000))
    with pytest.raises(ProviderError, match=r"Could not cancel response resp_\w+: Conflict\. \(HTTP 409\)"):
        provider.delete(result.id, dict(result.outs))
