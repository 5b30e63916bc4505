"""ResponsesBackend's event-stream edge cases, on a stub client (the fake cannot answer 200 and then
end a stream before its first event)."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from pulumi_openai_run._apis.responses.backend import LostCreateError, ResponsesBackend
from pulumi_openai_run._core.waiting import Deadline

INPUTS = {"assistant_id": "pmpt_1", "thread_id": "conv_1", "completion_window": 30.0, "stream_for_tool": True}


class Stream:
    def __init__(self, events: list[dict[str, Any]], then: Exception | None = None) -> None:
        self.events, self.then, self.closed = events, then, False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield from self.events
        if self.then is not None:
            raise self.then

    def close(self) -> None:
        self.closed = True


def backend(stream: Stream, sent: list[dict[str, Any]]) -> ResponsesBackend:
    def create(**params: Any) -> Stream:
        sent.append(params)
        return stream

    client = SimpleNamespace(
        responses=SimpleNamespace(create=create),
        conversations=SimpleNamespace(items=SimpleNamespace(list=lambda *a, **k: SimpleNamespace(data=[]))),
        timeout=60.0,
    )
    return ResponsesBackend(client)  # type: ignore[arg-type]


def event(kind: str, status: str) -> dict[str, Any]:
    return {"type": kind, "sequence_number": 0,
            "response": {"id": "resp_1", "object": "response", "status": status, "created_at": 1, "output": []}}


def test_a_stream_that_ends_before_naming_the_response_is_not_sent_again() -> None:
    sent: list[dict[str, Any]] = []
    stream = Stream([])
    with pytest.raises(LostCreateError, match="ended before it named the response") as caught:
        backend(stream, sent).follow(INPUTS, Deadline(30))
    assert len(sent) == 1 and sent[0]["stream"] is True and stream.closed
    assert sent[0]["metadata"]["pulumi_create_token"] in str(caught.value)


def test_a_stream_broken_after_naming_the_response_hands_over_to_polling() -> None:
    sent: list[dict[str, Any]] = []
    stream = Stream([event("response.created", "queued"), event("response.in_progress", "in_progress")],
                    then=ConnectionResetError("gone"))
    view = backend(stream, sent).follow(INPUTS, Deadline(30))
    assert (view.id, view.status) == ("resp_1", "in_progress") and stream.closed


def test_a_stream_stops_at_the_terminal_event() -> None:
    sent: list[dict[str, Any]] = []
    done = event("response.completed", "completed")
    stream = Stream([event("response.created", "queued"), done, event("response.created", "queued")])
    assert backend(stream, sent).follow(INPUTS, Deadline(30)).status == "completed"
