"""The fake's store as JSON: :func:`snapshot` takes it, :func:`restore` puts it into a fresh fake, so that a
process that restarts the fake (the offline driver, run after run) serves the same objects again.

What is kept: assistants, threads with their messages and runs (steps, stream events), conversations with
their items, responses, stored prompts and agents, and, for the manual clock, its time. What is not: scripts
queued or the default script, faults, the request log, and anything scheduled: a run or a response still
active when the snapshot is taken is restored as it was then and stays so (it can still be cancelled).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

from .response_lifecycle import ResponseLifecycle
from .run_lifecycle import RunLifecycle
from .script import RunScript
from .state import FakeState, _Thread
from .timeline import Timeline

FORMAT = 1
"""The snapshot's format; :func:`restore` refuses any other."""

# The lifecycles' attributes that are not data: rebuilt on restore instead of being stored.
_LINKED = frozenset({"_timeline", "_messages", "_on_finish", "script"})


def _lifecycle_record(live: RunLifecycle | ResponseLifecycle) -> dict[str, Any]:
    record = {key: copy.deepcopy(value) for key, value in vars(live).items() if key not in _LINKED}
    if "include" in record:
        record["include"] = sorted(record["include"])
    record["script"] = dataclasses.asdict(live.script)
    return record


def _restore_fields(live: RunLifecycle | ResponseLifecycle, record: Mapping[str, Any]) -> None:
    for key, value in record.items():
        if key != "script":
            setattr(live, key, copy.deepcopy(value))
    live.script = RunScript(**record["script"])
    live._timeline = Timeline()
    live.events = [(name, data) for name, data in record.get("events", [])]


def snapshot(state: FakeState) -> dict[str, Any]:
    """The store, JSON-serialisable (plain dicts, lists, strings, numbers)."""
    with state.lock:
        state.settle()
        conversations = state.conversations
        return {
            "format": FORMAT,
            "clock": state.clock.now() if state.clock.manual else None,
            "assistants": copy.deepcopy(state._assistants),
            "threads": {
                thread_id: {
                    "data": copy.deepcopy(thread.data),
                    "messages": copy.deepcopy(thread.messages),
                    "runs": {run_id: _lifecycle_record(run) for run_id, run in thread.runs.items()},
                }
                for thread_id, thread in state._threads.items()
            },
            "prompts": copy.deepcopy(conversations._prompts),
            "conversations": {
                conversation_id: {"data": copy.deepcopy(c.data), "items": copy.deepcopy(c.items)}
                for conversation_id, c in conversations._conversations.items()
            },
            "responses": {rid: _lifecycle_record(r) for rid, r in conversations._responses.items()},
            "agents": copy.deepcopy(state.agents._agents),
        }


def restore(state: FakeState, data: Mapping[str, Any]) -> None:
    """Replace the store of ``state`` with a :func:`snapshot`'s (``ValueError`` if it is not one)."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ValueError(f"not a fake snapshot of format {FORMAT} (its 'format' is "
                         f"{data.get('format') if isinstance(data, Mapping) else type(data).__name__!r})")
    from .conversation_store import _Conversation

    with state.lock:
        clock_time = data.get("clock")
        if clock_time is not None and state.clock.manual:
            state.clock.advance(max(0.0, float(clock_time) - state.clock.now()))
        state._assistants = copy.deepcopy(dict(data["assistants"]))
        state._threads = {}
        state._run_thread = {}
        for thread_id, record in data["threads"].items():
            thread = _Thread(copy.deepcopy(record["data"]), copy.deepcopy(record["messages"]))
            for run_id, run_record in record["runs"].items():
                run = RunLifecycle.__new__(RunLifecycle)
                _restore_fields(run, run_record)
                run._messages = thread.messages
                thread.runs[run_id] = run
                state._run_thread[run_id] = thread_id
            state._threads[thread_id] = thread
        conversations = state.conversations
        conversations._prompts = copy.deepcopy(dict(data["prompts"]))
        conversations._conversations = {
            cid: _Conversation(copy.deepcopy(c["data"]), copy.deepcopy(c["items"]))
            for cid, c in data["conversations"].items()
        }
        conversations._responses = {}
        for response_id, record in data["responses"].items():
            response = ResponseLifecycle.__new__(ResponseLifecycle)
            _restore_fields(response, record)
            response.include = frozenset(record.get("include", ()))
            response._container_files = [(file_id, name) for file_id, name in record.get("_container_files", [])]
            response._on_finish = conversations._finished
            conversations._responses[response_id] = response
        state.agents._agents = copy.deepcopy(dict(data["agents"]))
        state.lock.notify_all()
