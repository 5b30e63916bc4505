"""Server-sent events of the fake: ``runs.create(stream=True)`` yields typed events in lifecycle time."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from openai.types.beta.threads import Run

from pulumi_openai_run.testing import FakeOpenAI, RunScript
from tests.fake.conftest import make_client

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

COMPLETED_SEQUENCE = [
    "thread.run.created",
    "thread.run.queued",
    "thread.run.in_progress",
    "thread.run.step.created",
    "thread.run.step.in_progress",
    "thread.message.created",
    "thread.message.in_progress",
    "thread.message.delta",
    "thread.message.completed",
    "thread.run.step.completed",
    "thread.run.completed",
]



class Consumer:
    """Iterates a stream in a thread, collecting events, so the test thread can move the clock.

    The stream is opened by the test thread: once ``create(stream=True)`` returns, the run exists,
    so a following ``advance()`` cannot race with its creation.
    """

    def __init__(self, stream: Any) -> None:
        self.events: list[Any] = []
        self.error: BaseException | None = None
        self._stream = stream
        self._thread = threading.Thread(target=self._consume, daemon=True)
        self._thread.start()

    def _consume(self) -> None:
        try:
            with self._stream as stream:
                for event in stream:
                    self.events.append(event)
        except BaseException as error:
            self.error = error

    def join(self) -> list[str]:
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "the stream did not end"
        if self.error is not None:
            raise self.error
        return [event.event for event in self.events]



def test_stream_of_a_completed_run(fake: FakeOpenAI, mode: str) -> None:
    assistant = fake.create_assistant()
    thread = fake.create_thread(messages=["Hi"])
    fake.script_runs(RunScript(reply="Streamed hello"))
    with make_client(fake, mode) as client:
        consumer = Consumer(
            client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"], stream=True)
        )
        fake.advance(1)
        assert consumer.join() == COMPLETED_SEQUENCE
    created, *_, delta, completed_message, _, completed_run = consumer.events
    assert type(created.data).__name__ == "Run" and created.data.status == "queued"
    assert delta.data.delta.content[0].text.value == "Streamed hello"
    assert completed_message.data.content[0].text.value == "Streamed hello"
    assert completed_run.data.status == "completed" and completed_run.data.usage is not None
    assert fake.run(completed_run.data.id)["status"] == "completed"


def test_events_arrive_as_the_clock_moves(fake: FakeOpenAI) -> None:
    assistant = fake.create_assistant()
    thread = fake.create_thread()
    with make_client(fake, "http") as client:
        stream = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"], stream=True)
        with stream:
            assert [next(stream).event, next(stream).event] == ["thread.run.created", "thread.run.queued"]
            fake.advance(0.1)
            assert next(stream).event == "thread.run.in_progress"
            assert next(stream).event == "thread.run.step.created"
            fake.advance(0.5)
            assert [event.event for event in stream][-1] == "thread.run.completed"


@pytest.mark.parametrize(
    ("outcome", "terminal"),
    [
        ("failed", "thread.run.failed"),
        ("expired", "thread.run.expired"),
        ("incomplete", "thread.run.incomplete"),
        ("requires_action", "thread.run.requires_action"),
    ],
)
def test_stream_ends_with_the_terminal_event(fake: FakeOpenAI, outcome: str, terminal: str) -> None:
    assistant = fake.create_assistant()
    thread = fake.create_thread()
    fake.script_runs(RunScript(outcome=outcome))  # type: ignore[arg-type]
    with make_client(fake, "transport") as client:
        consumer = Consumer(
            client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"], stream=True)
        )
        fake.advance(1)
        names = consumer.join()
    assert names[:3] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
    assert names[-1] == terminal
    if outcome == "incomplete":
        assert "thread.message.incomplete" in names


def test_stream_of_a_run_cancelled_meanwhile(fake: FakeOpenAI) -> None:
    assistant = fake.create_assistant()
    thread = fake.create_thread()
    with make_client(fake, "http") as client:
        stream = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"], stream=True)
        with stream:
            run = next(stream).data
            assert isinstance(run, Run)
            fake.advance(0.2)
            client.beta.threads.runs.cancel(run.id, thread_id=thread["id"])
            fake.advance(0.1)
            names = ["thread.run.created", *(event.event for event in stream)]
    assert names[-3:] == ["thread.run.step.cancelled", "thread.message.incomplete", "thread.run.cancelled"]
    assert "thread.run.cancelling" in names


def test_submit_tool_outputs_stream_continues_the_run(fake: FakeOpenAI) -> None:
    assistant = fake.create_assistant()
    thread = fake.create_thread()
    fake.script_runs(RunScript(outcome="requires_action"))
    with make_client(fake, "http") as client:
        run = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"])
        fake.advance(1)
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread["id"])
        assert run.required_action is not None
        call_id = run.required_action.submit_tool_outputs.tool_calls[0].id
        consumer = Consumer(
            client.beta.threads.runs.submit_tool_outputs(
                run.id, thread_id=thread["id"], tool_outputs=[{"tool_call_id": call_id, "output": "42"}], stream=True
            )
        )
        fake.advance(1)
        names = consumer.join()
    assert names[:3] == ["thread.run.step.completed", "thread.run.queued", "thread.run.in_progress"]
    assert names[-1] == "thread.run.completed"


def test_stream_in_real_time() -> None:
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.01, duration=0.05)
        assistant = fake.create_assistant()
        thread = fake.create_thread()
        with make_client(fake, "http") as client:
            stream = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"], stream=True)
            with stream:
                names = [event.event for event in stream]
        with pytest.raises(RuntimeError):
            fake.advance(1)
    assert names == COMPLETED_SEQUENCE


def test_stopping_the_fake_ends_a_waiting_stream() -> None:
    fake = FakeOpenAI()
    with fake:
        assistant = fake.create_assistant()
        thread = fake.create_thread()
        client = make_client(fake, "http")
        stream = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"], stream=True)
        next(stream)
    # The stream was waiting for the clock; stopping the fake ended it without a terminal event.
    assert [event.event for event in stream] == ["thread.run.queued"]
    client.close()
