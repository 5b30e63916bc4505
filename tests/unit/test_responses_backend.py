"""ResponsesBackend's event-stream edge cases, on a stub client (the fake cannot answer 200 and then end a
stream before its first event, nor refuse to resume): a stream that drops is resumed after its last
``sequence_number``; a server that refuses background streaming, or does not resume, is polled instead."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx2
import openai
import pytest

from pulumi_openai_run._apis.responses.backend import LostCreateError, ResponsesBackend, _view
from pulumi_openai_run._core import waiting
from pulumi_openai_run._core.waiting import Deadline
from pulumi_openai_run._runs.backend import Create
from pulumi_openai_run._runs.fields import RUN_FIELDS, RunInputs
from pulumi_openai_run._runs.identity import marker_for

INPUTS: RunInputs = {"model": "gpt-6.2-sol", "thread_id": "conv_1", "completion_window": 30.0,
                     "stream_for_tool": True}


def _create() -> Create:
    return Create(INPUTS, marker_for(RUN_FIELDS, INPUTS), window=30.0)


class Stream:
    def __init__(self, events: list[dict[str, Any]], then: Exception | None = None) -> None:
        self.events, self.then, self.closed = events, then, False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield from self.events
        if self.then is not None:
            raise self.then

    def close(self) -> None:
        self.closed = True


def bad_request(message: str) -> openai.BadRequestError:
    response = httpx2.Response(400, request=httpx2.Request("POST", "http://127.0.0.1/v1/responses"),
                               json={"error": {"message": message}})
    return openai.BadRequestError(message, response=response, body={"message": message})


class Stub:
    """The client calls a Run's stream makes: create (a stream, or a refusal), and retrieve with
    stream=True (the next of ``resumed``: a stream or an error to raise)."""

    def __init__(self, stream: Stream | Exception, resumed: list[Stream | Exception] | None = None) -> None:
        self.stream, self.resumed = stream, list(resumed or [])
        self.sent: list[dict[str, Any]] = []
        self.retrieved: list[dict[str, Any]] = []

    def create(self, **params: Any) -> Any:
        self.sent.append(params)
        if params.get("stream"):
            if isinstance(self.stream, Exception):
                raise self.stream
            return self.stream
        return SimpleNamespace(to_dict=lambda mode: response("queued"))

    def retrieve(self, response_id: str, **params: Any) -> Any:
        self.retrieved.append({"id": response_id, **params})
        following = self.resumed.pop(0) if self.resumed else bad_request("no more")
        if isinstance(following, Exception):
            raise following
        return following

    def backend(self) -> ResponsesBackend:
        client = SimpleNamespace(
            responses=SimpleNamespace(create=self.create, retrieve=self.retrieve),
            conversations=SimpleNamespace(items=SimpleNamespace(list=lambda *a, **k: SimpleNamespace(data=[]))),
            beta=SimpleNamespace(agents=SimpleNamespace(retrieve=lambda *a, **k: pytest.fail("no agent asked"))),
            timeout=60.0,
        )
        return ResponsesBackend(client)  # type: ignore[arg-type]


def response(status: str) -> dict[str, Any]:
    return {"id": "resp_1", "object": "response", "status": status, "created_at": 1, "output": []}


def event(kind: str, number: int, status: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind, "sequence_number": number}
    if status is not None:
        data["response"] = response(status)
    return data


STARTED = [event("response.created", 0, "queued"), event("response.in_progress", 1, "in_progress"),
           event("response.output_item.added", 2)]
DROPPED = ConnectionResetError("gone")


def test_a_stream_that_ends_before_naming_the_response_is_not_sent_again() -> None:
    stub = Stub(Stream([]))
    with pytest.raises(LostCreateError, match="ended before it named the response") as caught:
        stub.backend().follow(_create(), Deadline(30))
    assert len(stub.sent) == 1 and stub.sent[0]["stream"] is True and stub.sent[0]["background"] is True
    assert stub.stream.closed  # type: ignore[union-attr]
    assert stub.sent[0]["metadata"]["pulumi_create_token"] in str(caught.value)


def test_a_dropped_stream_is_resumed_after_its_last_event() -> None:
    rest = Stream([event("response.output_item.added", 2), event("response.output_text.delta", 3),
                   event("response.completed", 4, "completed")])
    stub = Stub(Stream(STARTED, then=DROPPED), resumed=[Stream([event("response.output_text.delta", 3)], DROPPED),
                                                        rest])
    view = stub.backend().follow(_create(), Deadline(30))
    assert (view.id, view.status) == ("resp_1", "completed")
    assert [r["starting_after"] for r in stub.retrieved] == [2, 3]  # each time after the last event seen
    assert all(r["stream"] is True and r["id"] == "resp_1" for r in stub.retrieved)
    assert len(stub.sent) == 1 and rest.closed  # one create; the repeated event 2 was skipped


@pytest.mark.parametrize("resumed", [
    [bad_request("Streaming this response cannot be resumed.")],  # the server does not resume
    [Stream([], then=DROPPED)],  # it answers, but with nothing new
    [Stream([event("response.output_item.added", 2)])],  # only what was seen already
], ids=["refused", "nothing", "repeated"])
def test_a_stream_that_does_not_resume_hands_over_to_polling(resumed: list[Stream | Exception]) -> None:
    stub = Stub(Stream(STARTED, then=DROPPED), resumed=resumed)
    view = stub.backend().follow(_create(), Deadline(30))
    assert (view.id, view.status) == ("resp_1", "in_progress")  # the lifecycle polls from here
    assert len(stub.retrieved) == 1 and len(stub.sent) == 1


def test_a_stream_stops_at_the_terminal_event() -> None:
    done = event("response.completed", 1, "completed")
    stub = Stub(Stream([event("response.created", 0, "queued"), done, event("response.created", 2, "queued")]))
    assert stub.backend().follow(_create(), Deadline(30)).status == "completed"
    assert stub.retrieved == []


def test_a_server_that_refuses_background_streaming_gets_the_plain_create() -> None:
    stub = Stub(bad_request("Background responses cannot be streamed on this server."))
    view = stub.backend().follow(_create(), Deadline(30))
    assert (view.id, view.status) == ("resp_1", "queued")  # polled from here
    assert [sent.get("stream") for sent in stub.sent] == [True, None]
    assert stub.sent[0]["metadata"] == stub.sent[1]["metadata"]  # the same request, marker and all


def test_a_retry_after_a_refusal_to_stream_does_not_ask_to_stream_again() -> None:
    stub = Stub(bad_request("Background responses cannot be streamed on this server."))
    plain = stub.create

    def flaky(**params: Any) -> Any:
        if not params.get("stream") and sum(1 for sent in stub.sent if not sent.get("stream")) == 0:
            stub.sent.append(params)
            response = httpx2.Response(429, request=httpx2.Request("POST", "http://127.0.0.1/v1/responses"),
                                       headers={"retry-after-ms": "1"}, json={"error": {"message": "Slow down."}})
            raise openai.RateLimitError("Slow down.", response=response, body={"message": "Slow down."})
        return plain(**params)

    stub.create = flaky  # type: ignore[method-assign]
    assert stub.backend().follow(_create(), Deadline(30)).status == "queued"
    assert [sent.get("stream") for sent in stub.sent] == [True, None, None]


def test_another_bad_request_is_not_taken_for_a_refusal_to_stream() -> None:
    stub = Stub(bad_request("Invalid 'temperature': not supported with this model."))
    with pytest.raises(Exception, match="temperature"):
        stub.backend().follow(_create(), Deadline(30))
    assert len(stub.sent) == 1


# --- a plain (polled) create learns the response's id from the stream's first event -------------------


def test_a_polled_create_reads_the_stream_only_until_it_names_the_response() -> None:
    named: list[str] = []
    stub = Stub(Stream(STARTED))
    create = Create({**INPUTS, "stream_for_tool": False}, marker_for(RUN_FIELDS, INPUTS), window=30.0,
                    on_named=named.append)
    view = stub.backend().start(create, Deadline(30))
    assert (view.id, view.status) == ("resp_1", "queued")  # the lifecycle polls from here
    assert named == ["resp_1"]  # journaled at the first event
    assert stub.stream.closed  # type: ignore[union-attr]
    assert len(stub.sent) == 1 and stub.sent[0]["stream"] is True and stub.sent[0]["background"] is True


def test_a_polled_create_on_a_server_that_refuses_background_streaming_is_sent_plain() -> None:
    named: list[str] = []
    stub = Stub(bad_request("Background responses cannot be streamed on this server."))
    create = Create(INPUTS, marker_for(RUN_FIELDS, INPUTS), window=30.0, on_named=named.append)
    assert stub.backend().start(create, Deadline(30)).id == "resp_1"
    assert [sent.get("stream") for sent in stub.sent] == [True, None] and named == ["resp_1"]


@pytest.mark.parametrize("stream", [Stream([]), Stream([event("response.created", 0)], then=DROPPED)],
                         ids=["ended", "broke"])
def test_a_polled_create_whose_stream_breaks_before_naming_the_response_is_not_sent_again(stream: Stream) -> None:
    stub = Stub(stream)
    create = _create()
    with pytest.raises(LostCreateError, match="before it named the response") as caught:
        stub.backend().start(create, Deadline(30))
    assert len(stub.sent) == 1 and create.unsure
    message = str(caught.value)
    assert "queued or running" in message and "not cancelled either: without its id" in message
    assert stub.sent[0]["metadata"]["pulumi_create_token"] in message


def test_a_late_twin_after_an_unknown_outcome_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    """The last look after a create that followed an unknown outcome: items newer than our response's mean
    the lost request ran after ours ended; it cannot be named, so the log says so."""
    finished = {**response("completed"), "output": [{"id": "msg_ours", "type": "message"}]}
    newest = ["msg_ours"]
    stub = Stub(Stream([event("response.created", 0, "queued")]))
    backend = stub.backend()
    backend._items = SimpleNamespace(  # type: ignore[attr-defined]
        list=lambda *a, **k: SimpleNamespace(data=[SimpleNamespace(id=newest[0])]))
    create = _create()
    backend.start(create, Deadline(30))
    backend._remember(_view(finished))
    create.unsure = True
    with caplog.at_level("WARNING", logger="pulumi_openai_run"):
        assert backend.earlier(create, (), Deadline(30)).mine == []  # nothing to name: none found
        assert caplog.records == []  # the conversation's newest item is ours: nothing ran after it
        newest[0] = "msg_later"
        backend.earlier(create, (), Deadline(30))
    [record] = caplog.records
    assert "resp_1" in record.getMessage() and create.marker.token in record.getMessage()


def locked() -> openai.BadRequestError:
    message = "Another process is currently operating on this conversation. Please retry in a few seconds."
    body = {"message": message, "code": "conversation_locked", "param": "conversation"}
    response = httpx2.Response(400, request=httpx2.Request("POST", "http://127.0.0.1/v1/responses"),
                               json={"error": body})
    return openai.BadRequestError(message, response=response, body=body)


def test_a_conversation_locked_by_an_unknown_response_is_asked_again_on_a_polls_schedule(
        stepped_clock: Any) -> None:
    """No backoff doubling to 20 s: about once a second, so the create starts soon after the holder ends."""
    stub = Stub(Stream([event("response.created", 0, "queued")]))
    plain, refusals = stub.create, [locked() for _ in range(12)]

    def busy(**params: Any) -> Any:
        if refusals:
            stub.sent.append(params)
            raise refusals.pop()
        return plain(**params)

    stub.create = busy  # type: ignore[method-assign]
    create = Create({**INPUTS, "thread_id": "conv_unknown_holder"}, marker_for(RUN_FIELDS, INPUTS), window=None)
    assert stub.backend().start(create, Deadline(None)).id == "resp_1"
    assert len(stub.sent) == 13  # twelve refusals, then the create
    # the poll's schedule: 0.75 s, then once a second for 10 s, then slowly longer (never the backoff's 20 s)
    assert stepped_clock.sleeps[:10] == [0.75] + [1.0] * 9 and max(stepped_clock.sleeps) <= waiting.MAX_POLL
    assert sum(stepped_clock.sleeps) < 14.0
