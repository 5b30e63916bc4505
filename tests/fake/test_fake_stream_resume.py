"""A background response's event stream dropped by ``Fault(kind="drop_stream")`` and resumed with
``GET /responses/{id}?stream=true&starting_after=N``, through the real openai client in both modes."""

from __future__ import annotations

import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI, Fault

MODEL = "gpt-6-astra"


def test_a_dropped_stream_resumes_after_the_last_sequence_number(fake: FakeOpenAI, client: openai.OpenAI) -> None:
    conversation = fake.create_conversation()["id"]
    fake.inject(Fault(method="POST", path=r"/responses", kind="drop_stream", after_events=2))
    first = list(client.responses.create(model=MODEL, input="Hi", conversation=conversation, background=True,
                                         stream=True))
    assert [(e.type, e.sequence_number) for e in first] == [("response.created", 0), ("response.queued", 1)]
    response_id = first[0].response.id  # type: ignore[union-attr]
    fake.advance(1)  # it goes on without the stream
    rest = list(client.responses.retrieve(response_id, stream=True, starting_after=first[-1].sequence_number))
    assert [e.sequence_number for e in rest] == list(range(2, 2 + len(rest)))
    assert rest[0].type == "response.in_progress" and rest[-1].type == "response.completed"
    assert fake.response(response_id)["status"] == "completed"
    assert [r.fault for r in fake.requests] == ["drop_stream", None]


def test_a_resume_can_drop_too(fake: FakeOpenAI, client: openai.OpenAI) -> None:
    conversation = fake.create_conversation()["id"]
    fake.inject(Fault(method="POST", path=r"/responses", kind="drop_stream", after_events=0))
    fake.inject(Fault(method="GET", path=r"/responses/[^/]+", kind="drop_stream", after_events=1))
    assert list(client.responses.create(model=MODEL, input="Hi", conversation=conversation, background=True,
                                        stream=True)) == []
    (response,) = fake.responses_on(conversation)  # made all the same
    fake.advance(1)
    once = list(client.responses.retrieve(response["id"], stream=True, starting_after=0))
    assert [e.sequence_number for e in once] == [1]
    rest = list(client.responses.retrieve(response["id"], stream=True, starting_after=1))
    assert rest[0].sequence_number == 2 and rest[-1].type == "response.completed"


def test_after_events_is_checked() -> None:
    with pytest.raises(ValueError, match="after_events"):
        Fault(kind="drop_stream", after_events=-1)
