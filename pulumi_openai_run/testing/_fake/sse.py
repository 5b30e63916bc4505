"""Server-sent events: a run's lifecycle events as ``text/event-stream`` bytes, in lifecycle time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .run_lifecycle import STREAM_END_EVENTS
from .shapes import conform
from .state import FakeState

DONE = b"event: done\ndata: [DONE]\n\n"


def format_event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(conform(data, name), separators=(',', ':'))}\n\n".encode()


def run_event_stream(state: FakeState, run_id: str, start: int = 0) -> Iterator[bytes]:
    """Yield the run's events from index ``start`` as they happen, then ``done``.

    Waits on the clock's condition between events: in real time with the real clock, until
    ``advance()`` (or a cancel) with the manual clock. Ends after the run's terminal event (or
    ``thread.run.requires_action``), when the run is deleted, or when the fake stops.
    """
    index = start
    while True:
        with state.lock:
            while True:
                events, next_time, gone = state.run_events(run_id, index)
                if events or gone or state.closed:
                    break
                state.clock.wait(next_time)
        if not events:
            if gone:
                yield DONE
            return
        # Yield outside the lock: the consumer may be slow.
        for name, data in events:
            index += 1
            yield format_event(name, data)
            if name in STREAM_END_EVENTS:
                yield DONE
                return
