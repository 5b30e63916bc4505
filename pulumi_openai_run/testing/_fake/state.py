"""The fake service's in-memory model: assistants, threads, messages and runs.

Pure of I/O. Every public method takes the clock's lock, first applies whatever the run lifecycles
have due at the current time, and returns deep copies of API JSON dicts (safe to serialise after the
lock is released). Errors are raised as :class:`~.errors.ApiError`.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import assistants_json as objects
from .agent_store import AgentStore
from .clock import Clock
from .conversation_store import ConversationStore
from .errors import ApiError, bad_request, not_found
from .ids import new_id
from .listing import PageParams, paginate
from .run_lifecycle import Event, RunLifecycle
from .script import RunScript


@dataclass
class _Thread:
    data: dict[str, Any]
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, RunLifecycle] = field(default_factory=dict)

    def active_run(self) -> RunLifecycle | None:
        return next((run for run in self.runs.values() if run.active), None)


class FakeState:
    def __init__(self, clock: Clock, default_script: RunScript | None = None) -> None:
        self.clock = clock
        self.lock = clock.condition
        self.default_script = default_script or RunScript()
        self.closed = False
        self._scripts: deque[RunScript] = deque()
        self._assistants: dict[str, dict[str, Any]] = {}
        self._threads: dict[str, _Thread] = {}
        self._run_thread: dict[str, str] = {}
        self.conversations = ConversationStore(clock, self.take_script)
        """The Responses + Conversations model, on the same clock and scripts."""
        self.agents = AgentStore(clock)
        """The Agents API's agent objects."""

    # -- time and scripts -----------------------------------------------------------------------

    def settle(self) -> None:
        """Apply every lifecycle transition that is due; wakes waiting streams when anything changed."""
        with self.lock:
            now = self.clock.now()
            changed = False
            for thread in self._threads.values():
                for run in thread.runs.values():
                    changed = run.settle(now) or changed
            changed = self.conversations.settle(now) or changed
            if changed:
                self.lock.notify_all()

    def queue_scripts(self, scripts: Iterable[RunScript]) -> None:
        with self.lock:
            self._scripts.extend(scripts)

    def take_script(self) -> RunScript:
        """The script for the next run or response: the next queued one, else the default."""
        with self.lock:
            return self._scripts.popleft() if self._scripts else self.default_script

    def close(self) -> None:
        """Mark the fake stopped and wake every waiting stream so it can end."""
        with self.lock:
            self.closed = True
            self.lock.notify_all()

    def _changed(self) -> None:
        self.lock.notify_all()

    # -- assistants -----------------------------------------------------------------------------

    def create_assistant(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            assistant = objects.assistant_object(new_id("assistant"), self.clock.now(), fields)
            self._assistants[assistant["id"]] = assistant
            return copy.deepcopy(assistant)

    def list_assistants(self, params: PageParams) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(paginate(list(self._assistants.values()), params))

    def assistants(self) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(list(self._assistants.values()))

    def get_assistant(self, assistant_id: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self._assistant(assistant_id))

    def update_assistant(self, assistant_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            assistant = self._assistant(assistant_id)
            for name, value in fields.items():
                if name in ("tools", "metadata", "tool_resources") and value is None:
                    continue
                if name == "tool_resources":
                    value = _merged_sections(assistant.get("tool_resources"), value)
                assistant[name] = value
            return copy.deepcopy(assistant)

    def delete_assistant(self, assistant_id: str) -> dict[str, Any]:
        with self.lock:
            self._assistant(assistant_id)
            del self._assistants[assistant_id]
            return {"id": assistant_id, "object": "assistant.deleted", "deleted": True}

    def _assistant(self, assistant_id: str) -> dict[str, Any]:
        try:
            return self._assistants[assistant_id]
        except KeyError:
            raise not_found("assistant", assistant_id) from None

    # -- threads --------------------------------------------------------------------------------

    def create_thread(
        self,
        messages: Sequence[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        tool_resources: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            thread = _Thread(objects.thread_object(new_id("thread"), self.clock.now(), metadata, tool_resources))
            self._threads[thread.data["id"]] = thread
            for message in messages or []:
                self._add_message(thread, message)
            return copy.deepcopy(thread.data)

    def get_thread(self, thread_id: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self._thread(thread_id).data)

    def update_thread(
        self, thread_id: str, metadata: Mapping[str, str] | None, tool_resources: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        with self.lock:
            thread = self._thread(thread_id)
            if metadata is not None:
                thread.data["metadata"] = dict(metadata)
            if tool_resources is not None:
                thread.data["tool_resources"] = _merged_sections(thread.data.get("tool_resources"), tool_resources)
            return copy.deepcopy(thread.data)

    def delete_thread(self, thread_id: str) -> dict[str, Any]:
        with self.lock:
            thread = self._thread(thread_id)
            for run_id in thread.runs:
                self._run_thread.pop(run_id, None)
            del self._threads[thread_id]
            self._changed()
            return {"id": thread_id, "object": "thread.deleted", "deleted": True}

    def _thread(self, thread_id: str) -> _Thread:
        self.settle()
        try:
            return self._threads[thread_id]
        except KeyError:
            raise not_found("thread", thread_id) from None

    # -- messages -------------------------------------------------------------------------------

    def create_message(self, thread_id: str, message: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            thread = self._thread(thread_id)
            active = thread.active_run()
            if active is not None:
                raise bad_request(f"Can't add messages to {thread_id} while a run {active.id} is active.")
            return copy.deepcopy(self._add_message(thread, message))

    def _add_message(self, thread: _Thread, message: Mapping[str, Any]) -> dict[str, Any]:
        created = objects.message_object(
            new_id("message"),
            thread.data["id"],
            self.clock.now(),
            role=str(message.get("role", "user")),
            content=objects.content_blocks(message.get("content", "")),
            attachments=message.get("attachments"),
            metadata=message.get("metadata"),
        )
        thread.messages[created["id"]] = created
        return created

    def list_messages(self, thread_id: str, params: PageParams, run_id: str | None = None) -> dict[str, Any]:
        with self.lock:
            items = list(self._thread(thread_id).messages.values())
            if run_id is not None:
                items = [message for message in items if message["run_id"] == run_id]
            return copy.deepcopy(paginate(items, params))

    def messages_on(self, thread_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(list(self._thread(thread_id).messages.values()))

    def get_message(self, thread_id: str, message_id: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self._message(thread_id, message_id))

    def update_message(self, thread_id: str, message_id: str, metadata: Mapping[str, str] | None) -> dict[str, Any]:
        with self.lock:
            message = self._message(thread_id, message_id)
            if metadata is not None:
                message["metadata"] = dict(metadata)
            return copy.deepcopy(message)

    def delete_message(self, thread_id: str, message_id: str) -> dict[str, Any]:
        with self.lock:
            self._message(thread_id, message_id)
            del self._threads[thread_id].messages[message_id]
            return {"id": message_id, "object": "thread.message.deleted", "deleted": True}

    def _message(self, thread_id: str, message_id: str) -> dict[str, Any]:
        try:
            return self._thread(thread_id).messages[message_id]
        except KeyError:
            raise not_found("message", message_id) from None

    # -- runs -----------------------------------------------------------------------------------

    def create_run(self, thread_id: str, body: Mapping[str, Any]) -> RunLifecycle:
        """Create a run (body already validated); the caller copies what it needs under the lock."""
        with self.lock:
            thread = self._thread(thread_id)
            assistant = self._assistant(str(body["assistant_id"]))
            active = thread.active_run()
            if active is not None:
                raise bad_request(f"Thread {thread_id} already has an active run {active.id}.")
            for message in body.get("additional_messages") or []:
                self._add_message(thread, message)
            now = self.clock.now()
            script = self._scripts.popleft() if self._scripts else self.default_script
            data = objects.run_object(
                new_id("run"), thread_id=thread_id, assistant=assistant, created_at=now, body=body
            )
            run = RunLifecycle(data, script, thread.messages, now)
            thread.runs[run.id] = run
            self._run_thread[run.id] = thread_id
            self._changed()
            return run

    def list_runs(self, thread_id: str, params: PageParams) -> dict[str, Any]:
        with self.lock:
            items = [run.data for run in self._thread(thread_id).runs.values()]
            return copy.deepcopy(paginate(items, params))

    def get_run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self.run(thread_id, run_id).data)

    def update_run(self, thread_id: str, run_id: str, metadata: Mapping[str, str] | None) -> dict[str, Any]:
        with self.lock:
            run = self.run(thread_id, run_id)
            if metadata is not None:
                run.data["metadata"] = dict(metadata)
            return copy.deepcopy(run.data)

    def cancel_run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        with self.lock:
            run = self.run(thread_id, run_id)
            run.cancel(self.clock.now())
            self._changed()
            return copy.deepcopy(run.data)

    def submit_tool_outputs(
        self, thread_id: str, run_id: str, tool_outputs: Sequence[Mapping[str, Any]]
    ) -> RunLifecycle:
        with self.lock:
            run = self.run(thread_id, run_id)
            run.submit_tool_outputs(self.clock.now(), tool_outputs)
            self._changed()
            return run

    def list_steps(self, thread_id: str, run_id: str, params: PageParams, include_content: bool) -> dict[str, Any]:
        with self.lock:
            steps = [
                objects.public_step(step, include_content=include_content)
                for step in self.run(thread_id, run_id).steps.values()
            ]
            return paginate(steps, params)

    def get_step(self, thread_id: str, run_id: str, step_id: str, include_content: bool) -> dict[str, Any]:
        with self.lock:
            step = self.run(thread_id, run_id).steps.get(step_id)
            if step is None:
                raise not_found("run step", step_id)
            return objects.public_step(step, include_content=include_content)

    def run(self, thread_id: str | None, run_id: str) -> RunLifecycle:
        """The run ``run_id`` (on ``thread_id`` unless None), settled to now; 404 if unknown."""
        with self.lock:
            self.settle()
            if thread_id is not None:
                self._thread(thread_id)
            owner = self._run_thread.get(run_id)
            if owner is None or (thread_id is not None and owner != thread_id):
                raise not_found("run", run_id)
            return self._threads[owner].runs[run_id]

    def runs_on(self, thread_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [copy.deepcopy(run.data) for run in self._thread(thread_id).runs.values()]

    def run_events(self, run_id: str, start: int) -> tuple[list[Event], float | None, bool]:
        """Stream events of ``run_id`` from index ``start``, when the next is due, and whether it is gone."""
        if self.conversations.has_response(run_id):  # a response's stream (Responses API)
            return self.conversations.response_events(run_id, start)
        with self.lock:
            self.settle()
            owner = self._run_thread.get(run_id)
            if owner is None:
                return [], None, True
            run = self._threads[owner].runs[run_id]
            return list(run.events[start:]), run.next_time(), False

    def event_count(self, run_id: str) -> int:
        with self.lock:
            owner = self._run_thread.get(run_id)
            return len(self._threads[owner].runs[run_id].events) if owner is not None else 0


__all__ = ["ApiError", "FakeState"]


def _merged_sections(current: Mapping[str, Any] | None, sent: Mapping[str, Any]) -> dict[str, Any]:
    """A modify's ``tool_resources``, as the API applies it: each section sent overrides that section;
    sections not sent keep what they had."""
    return {**dict(current or {}), **copy.deepcopy(dict(sent))}
