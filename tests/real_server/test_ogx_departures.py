"""Where OGX departs from OpenAI, each side's behaviour, side by side: the same raw request to our fake (which
models OpenAI) and to OGX, then what the provider does so that a stack works on both. The provider's side is
played through the dynamic-provider server against OGX (and, for the fake, by the suites under
``tests/providers/`` and ``tests/engine/``)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import pytest

from pulumi_openai_run import Assistant, AssistantProvider, Message, Run
from pulumi_openai_run._apis.responses.backend import ResponsesBackend
from pulumi_openai_run._core.calls import error_text
from pulumi_openai_run._core.waiting import Deadline
from pulumi_openai_run._objects.assistant import NO_AGENTS_API
from pulumi_openai_run._runs.backend import RunRef
from pulumi_openai_run.testing import FakeOpenAI, ProviderError, ProviderServer, RunScript, serialized_provider, urn
from tests.real_server.conftest import API_KEY, FAST_MODEL
from tests.real_server.test_ogx_lifecycle import RUN_URN, WINDOW, new_thread, up

FAKE_MODEL = "gpt-6-astra"
OPENAI_BETA = {"OpenAI-Beta": "agents=v1"}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=API_KEY, clock="real") as running:
        running.default_script = RunScript(queued_for=0.05, duration=0.15)
        yield running


@pytest.fixture(scope="module")
def sides(fake: FakeOpenAI, ogx_url: str) -> Iterator[dict[str, httpx2.Client]]:
    """Raw HTTP to each side: ``openai`` (the fake) and ``ogx``."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx2.Client(base_url=fake.base_url, headers=headers, timeout=30) as on_fake, \
            httpx2.Client(base_url=ogx_url, headers=headers, timeout=30) as on_ogx:
        yield {"openai": on_fake, "ogx": on_ogx}


def conversation(side: httpx2.Client, question: str = "What is in the report?") -> str:
    answer = side.post("/conversations", json={"items": [{"type": "message", "role": "user", "content": question}]})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def model_of(side: str) -> str:
    return FAKE_MODEL if side == "openai" else FAST_MODEL


def test_a_response_on_a_conversation_without_input(sides: dict[str, httpx2.Client], engine: ProviderServer,
                                                    blobs: dict[str, str]) -> None:
    """OpenAI takes the conversation's items as the context; OGX requires ``input``. The provider sends
    ``input: []`` (no new message) once a server has said so."""
    answers = {side: client.post("/responses", json={"model": model_of(side), "conversation": conversation(client),
                                                     "background": True, "store": True})
               for side, client in sides.items()}
    assert answers["openai"].status_code == 200
    assert answers["ogx"].status_code == 400
    assert "'loc': ['body', 'input'], 'msg': 'Field required'" in answers["ogx"].text
    # the provider: a Run with neither input nor a Message answers the conversation's question
    thread_id, _ = new_thread(engine, blobs, messages=[{"content": "Hello?"}])
    _, state = up(engine, RUN_URN, {"thread_id": thread_id, "model": FAST_MODEL, "completion_window": WINDOW,
                                    "__provider": blobs["run"]})
    assert (state["status"], state["reply"]) == ("completed", "echo: Hello?")


def test_the_conversation_as_an_object(sides: dict[str, httpx2.Client]) -> None:
    """OpenAI takes ``conversation`` as an id or as ``{"id": ...}``; OGX only as an id (a string), which is what
    the provider always sends."""
    answers = {side: client.post("/responses", json={"model": model_of(side), "input": "Hi",
                                                     "conversation": {"id": conversation(client)}})
               for side, client in sides.items()}
    assert answers["openai"].status_code == 200
    assert answers["ogx"].status_code == 400
    assert "'loc': ['body', 'conversation'], 'msg': 'Input should be a valid string'" in answers["ogx"].text


def test_background_with_stream(sides: dict[str, httpx2.Client], engine: ProviderServer,
                                blobs: dict[str, str]) -> None:
    """OpenAI streams a background response's events; OGX refuses ``background`` with ``stream``. The provider
    sends every create as a background stream (its first event names the response at once) and, refused,
    the plain background create, then polls; `test_a_run_followed_over_its_stream_has_the_same_outcome`
    shows the same for a Run that asks to be followed over the stream."""
    seen = {}
    for side, client in sides.items():
        body = {"model": model_of(side), "conversation": conversation(client), "input": "Hi", "background": True,
                "store": True, "stream": True}
        with client.stream("POST", "/responses", json=body) as answer:
            seen[side] = (answer.status_code, answer.headers["content-type"].split(";")[0], answer.read())
    assert seen["openai"][:2] == (200, "text/event-stream")
    assert seen["ogx"][:2] == (400, "application/json")
    assert b"does not yet support 'stream' and 'background' together" in seen["ogx"][2]
    thread_id, _ = new_thread(engine, blobs)
    _, state = up(engine, RUN_URN, {"thread_id": thread_id, "model": FAST_MODEL, "input": "Polled?",
                                    "completion_window": WINDOW, "__provider": blobs["run"]})
    assert (state["status"], state["reply"]) == ("completed", "echo: Polled?")


def test_resuming_a_response_stream(sides: dict[str, httpx2.Client]) -> None:
    """OpenAI resumes a response's event stream (``GET /responses/{id}?stream=true&starting_after=N``); OGX
    answers the response as JSON instead. The provider resumes only a stream it followed (which OGX never
    opens, above), and polls when a resumed stream brings nothing new."""
    kinds = {}
    for side, client in sides.items():
        made = client.post("/responses", json={"model": model_of(side), "input": "Hi", "background": True,
                                               "store": True})
        assert made.status_code == 200, made.text
        with client.stream("GET", f"/responses/{made.json()['id']}",
                           params={"stream": "true", "starting_after": 0}) as answer:
            kinds[side] = (answer.status_code, answer.headers["content-type"].split(";")[0])
    assert kinds == {"openai": (200, "text/event-stream"), "ogx": (200, "application/json")}


def test_error_bodies(sides: dict[str, httpx2.Client], ogx: openai.OpenAI, engine: ProviderServer,
                      blobs: dict[str, str]) -> None:
    """OpenAI answers errors as ``{"error": {"message", "type", "param", "code"}}``; OGX as ``{"detail": "..."}``,
    or a validation error as ``{"error": {"message": "{'errors': [{'loc': [...], 'msg': ...}]}"}}``. The
    provider's errors quote what the server said, either way, with the field it names."""
    answers = {side: client.get("/responses/resp_missing") for side, client in sides.items()}
    assert answers["openai"].status_code == answers["ogx"].status_code == 404
    assert set(answers["openai"].json()) == {"error"} and "message" in answers["openai"].json()["error"]
    assert set(answers["ogx"].json()) == {"detail"}

    with pytest.raises(openai.BadRequestError) as refused:
        ogx.responses.create(model=FAST_MODEL, input="Hi", temperature=5)
    assert error_text(refused.value) == "temperature: Input should be less than or equal to 2"

    missing = "conv_" + "0" * 48
    with pytest.raises(ProviderError) as failed:
        up(engine, urn(Message, "question"), {"thread_id": missing, "content": "Hi", "__provider": blobs["message"]})
    assert f"Conversation '{missing}' not found. (HTTP 404)." in failed.value.details
    assert "Error code" not in failed.value.details

    # a background response that fails later says why in its error, as on OpenAI
    thread_id, _ = new_thread(engine, blobs)
    with pytest.raises(ProviderError) as failed:
        up(engine, RUN_URN, {"thread_id": thread_id, "model": "no-such-model", "input": "Hi",
                             "completion_window": WINDOW, "__provider": blobs["run"]})
    assert re.search(rf"Response resp_\S+ on conversation {thread_id} ended failed: \w+: Model 'no-such-model' "
                     "not found", failed.value.details), failed.value.details


def test_one_response_at_a_time_on_a_conversation(sides: dict[str, httpx2.Client], engine: ProviderServer,
                                                  blobs: dict[str, str]) -> None:
    """OpenAI refuses a second response while one runs on the conversation (``conversation_locked``, which the
    provider waits out); OGX runs both. Runs in turn on one conversation work on both."""
    seconds = {}
    for side, client in sides.items():
        conv = conversation(client)
        first, second = (client.post("/responses", json={"model": model_of(side), "conversation": conv,
                                                         "input": text, "background": True, "store": True})
                         for text in ("one", "two"))
        assert first.status_code == 200, first.text
        seconds[side] = (second.status_code, (second.json().get("error") or {}).get("code"))
    assert seconds == {"openai": (400, "conversation_locked"), "ogx": (200, None)}
    thread_id, _ = new_thread(engine, blobs)
    replies = [up(engine, urn(Run, f"turn-{n}"), {"thread_id": thread_id, "model": FAST_MODEL, "input": f"turn {n}",
                                                  "completion_window": WINDOW, "__provider": blobs["run"]})[1]["reply"]
               for n in (1, 2)]
    assert replies == ["echo: turn 1", "echo: turn 2"]


def test_cancelling_a_finished_response(sides: dict[str, httpx2.Client], fake: FakeOpenAI, ogx: openai.OpenAI,
                                        engine: ProviderServer, blobs: dict[str, str]) -> None:
    """OpenAI refuses to cancel a finished response with 400; OGX with 409 (which the provider otherwise
    retries as a conflict). The provider reads the response on either and finds nothing left to cancel: a
    destroy whose state still says in progress deletes the finished response."""
    statuses, finished = {}, ""
    for side, client in sides.items():
        made = client.post("/responses", json={"model": model_of(side), "input": "Hi", "store": True})
        assert made.status_code == 200 and made.json()["status"] == "completed", made.text
        statuses[side] = client.post(f"/responses/{made.json()['id']}/cancel").status_code
        finished = made.json()["id"]  # OGX's, the last side
    assert statuses == {"openai": 400, "ogx": 409}

    # the provider's cancel of it (as when it finishes between destroy's look and its cancel): no retries
    started = time.monotonic()
    view = ResponsesBackend(ogx).cancel(RunRef(finished, None), Deadline(WINDOW))
    assert view is not None and (view.id, view.status) == (finished, "completed")
    assert time.monotonic() - started < 5  # a 409 is otherwise retried, with backoff, for 120 s

    thread_id, _ = new_thread(engine, blobs)
    inputs = {"thread_id": thread_id, "model": FAST_MODEL, "input": "Quick.", "__provider": blobs["run"]}
    run_id, state = up(engine, RUN_URN, inputs)
    assert state["status"] in ("queued", "in_progress")
    done = _until_done(ogx, run_id)
    assert done == "completed"
    engine.delete(RUN_URN, run_id, state)  # the state still says in progress
    with pytest.raises(openai.NotFoundError):
        ogx.responses.retrieve(run_id)


def _until_done(ogx: openai.OpenAI, response_id: str) -> str:
    """The response's status once it is no longer queued or in progress (OGX offers nothing to await)."""
    deadline = time.monotonic() + WINDOW
    while (status := str(ogx.responses.retrieve(response_id).status)) in ("queued", "in_progress"):
        assert time.monotonic() < deadline, f"{response_id} still {status}"
        time.sleep(0.1)
    return status


def test_agents(sides: dict[str, httpx2.Client], engine: ProviderServer, blobs: dict[str, str]) -> None:
    """OpenAI keeps agents (``/agents``, the Assistant on the Responses API); OGX has no Agents API. On OGX an
    Assistant fails saying so, and a Run names no assistant_id there: its model and instructions are inline
    (every Run in these tests)."""
    answers = {side: client.post("/agents", headers=OPENAI_BETA, json={"model": model_of(side), "name": "Helper"})
               for side, client in sides.items()}
    assert answers["openai"].status_code == 200 and answers["openai"].json()["model"] == FAKE_MODEL
    assert (answers["ogx"].status_code, answers["ogx"].json()) == (404, {"detail": "Not Found"})

    assistant_urn = urn(Assistant, "helper")
    news: dict[str, Any] = {"model": FAST_MODEL, "name": "Helper", "api": "responses",
                            "__provider": serialized_provider(AssistantProvider())}
    checked = engine.check(assistant_urn, {}, news)
    assert checked.failures == []
    with pytest.raises(ProviderError) as failed:
        engine.create(assistant_urn, checked.inputs)
    assert "Could not create the agent: Not Found (HTTP 404)." in failed.value.details
    assert NO_AGENTS_API in failed.value.details

    thread_id, _ = new_thread(engine, blobs)
    with pytest.raises(ProviderError) as failed:
        up(engine, RUN_URN, {"thread_id": thread_id, "assistant_id": "agent_helper", "input": "Hi",
                             "completion_window": WINDOW, "__provider": blobs["run"]})
    assert ("Could not read agent agent_helper (the run's assistant_id): Not Found (HTTP 404). Either there is no "
            "agent agent_helper, or the server at openai:baseUrl has no Agents API (/agents)") in failed.value.details
