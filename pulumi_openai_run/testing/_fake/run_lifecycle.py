"""One run's lifecycle on the fake clock: its schedule of transitions, steps, reply and stream events.

Pure of I/O and of threads: the owner calls :meth:`RunLifecycle.settle` with the current time (under
its lock) and every transition whose time has come is applied, in order, stamped with its own time.
Each transition also appends the stream events it causes to :attr:`RunLifecycle.events`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from . import assistants_json as objects
from .errors import bad_request
from .ids import new_id
from .script import RunScript
from .timeline import LiveObject, Timeline, Work, planned_work

ACTIVE_STATUSES = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled", "expired", "incomplete"})
# A stream ends after one of these (requires_action pauses the run until tool outputs arrive).
STREAM_END_EVENTS = frozenset(
    {
        "thread.run.completed",
        "thread.run.failed",
        "thread.run.incomplete",
        "thread.run.expired",
        "thread.run.cancelled",
        "thread.run.requires_action",
    }
)
CANCEL_SECONDS = 0.1  # cancelling -> cancelled
EXPIRY_SECONDS = 600  # expires_at = created_at + 600

Event = tuple[str, dict[str, Any]]


class RunLifecycle(LiveObject):
    """A run, its steps and its reply message, driven by a :class:`RunScript`."""

    ACTIVE = ACTIVE_STATUSES

    def __init__(
        self,
        data: dict[str, Any],
        script: RunScript,
        messages: dict[str, dict[str, Any]],
        now: float,
    ) -> None:
        self.data = data
        self.script = script
        self.steps: dict[str, dict[str, Any]] = {}
        self.events: list[Event] = []
        self._messages = messages  # the thread's message store; the reply is added to it
        self._timeline = Timeline()
        self._last_step_ts = 0
        self._open_steps: list[str] = []
        self._message_id: str | None = None
        self._function_step_id: str | None = None
        self._image_file_ids = [new_id("file") for _ in range(script.code_interpreter_files)]
        self._emit("thread.run.created", data)
        self._emit("thread.run.queued", data)
        self._schedule_execution(now, planned_work(self.script), self._finish)

    # -- queries --------------------------------------------------------------------------------

    def next_time(self) -> float | None:
        """When the next scheduled transition is due, or None when nothing is scheduled."""
        return self._timeline.next_time()

    # -- driving --------------------------------------------------------------------------------

    def settle(self, now: float) -> bool:
        """Apply every transition due by ``now``; True when anything changed."""
        return self._timeline.settle(now)

    def cancel(self, now: float) -> None:
        if self.status not in ("queued", "in_progress", "requires_action"):
            raise bad_request(f"Cannot cancel run with status '{self.status}'.")
        self._timeline.clear()
        self.data["status"] = "cancelling"
        self._emit("thread.run.cancelling", self.data)
        self._timeline.at(now + CANCEL_SECONDS, self._finish_cancel)

    def submit_tool_outputs(self, now: float, tool_outputs: Sequence[Mapping[str, Any]]) -> None:
        if self.status != "requires_action":
            raise bad_request(f'Runs in status "{self.status}" do not accept tool outputs.')
        required = [call["id"] for call in self.data["required_action"]["submit_tool_outputs"]["tool_calls"]]
        given = [str(output.get("tool_call_id")) for output in tool_outputs]
        if sorted(required) != sorted(given):
            raise bad_request(
                f"Expected tool outputs for call_ids {required!r}, got {given!r}", "tool_outputs", "invalid_value"
            )
        outputs = {str(output.get("tool_call_id")): output.get("output") for output in tool_outputs}
        self._timeline.clear()
        if self._function_step_id is not None:
            step = self.steps[self._function_step_id]
            for call in step["step_details"]["tool_calls"]:
                call["function"]["output"] = outputs.get(call["id"])
            self._close_step(step, "completed", now)
            self._emit("thread.run.step.completed", step)
        self.data["status"] = "queued"
        self.data["required_action"] = None
        self._emit("thread.run.queued", self.data)
        self._schedule_execution(now, [Work("message")], self._complete)

    # -- scheduling -----------------------------------------------------------------------------

    def _schedule_execution(self, start: float, plan: list[Work], finish: Callable[[float], None]) -> None:
        """queued until start+queued_for, then the steps one after another over ``duration``."""
        began = start + self.script.queued_for
        duration = self.script.duration
        ended = began + duration
        self._timeline.at(began, self._start_progress)
        count = len(plan)
        for k, step in enumerate(plan):
            self._timeline.at(began + duration * k / count, partial(self._begin_step, step))
            last = k == count - 1
            # A function step waits for tool outputs; the last step of a failed/expired run is
            # closed by the terminal transition.
            if step.kind != "function" and not (last and self.script.outcome in ("failed", "expired")):
                self._timeline.at(ended if last else began + duration * (k + 1) / count, self._end_step)
        self._timeline.at(ended, finish)

    # -- transitions ----------------------------------------------------------------------------

    def _start_progress(self, when: float) -> None:
        self.data["status"] = "in_progress"
        if self.data["started_at"] is None:
            self.data["started_at"] = objects.ts(when)
        self._emit("thread.run.in_progress", self.data)

    def _begin_step(self, plan: Work, when: float) -> None:
        created = max(objects.ts(when), self._last_step_ts + 1)
        self._last_step_ts = created
        message: dict[str, Any] | None = None
        if plan.kind == "message":
            message = objects.message_object(
                new_id("message"),
                self.data["thread_id"],
                when,
                role="assistant",
                content=[],
                assistant_id=self.data["assistant_id"],
                run_id=self.id,
                status="in_progress",
            )
            self._messages[message["id"]] = message
            self._message_id = message["id"]
            step_type, details = "message_creation", objects.message_creation_details(message["id"])
        else:
            step_type, details = "tool_calls", objects.tool_calls_details([self._tool_call(plan)])
        step = objects.step_object(
            new_id("step"), run=self.data, created_at=created, step_type=step_type, details=details
        )
        self.steps[step["id"]] = step
        self._open_steps.append(step["id"])
        if plan.kind == "function":
            self._function_step_id = step["id"]
        self._emit("thread.run.step.created", step)
        self._emit("thread.run.step.in_progress", step)
        if message is not None:
            self._emit("thread.message.created", message)
            self._emit("thread.message.in_progress", message)

    def _tool_call(self, plan: Work) -> dict[str, Any]:
        if plan.kind == "code_interpreter":
            return objects.code_interpreter_call(self._image_file_ids)
        if plan.kind == "file_search":
            return objects.file_search_call(self.script.file_search_files, with_content=True)
        if plan.kind == "function":
            return objects.function_call(self.script.function_name)
        return objects.extra_step_call(plan.index)

    def _end_step(self, when: float) -> None:
        step = self.steps[self._open_steps[0]]
        if step["type"] == "message_creation":
            self._finish_message(when)
        self._close_step(step, "completed", when)
        self._emit("thread.run.step.completed", step)

    def _finish_message(self, when: float) -> None:
        message = self._messages.get(self._message_id or "")
        if message is None:  # deleted meanwhile
            return
        content, attachments = objects.reply_content(
            self.script.reply, self.script.message_file_ids, self._image_file_ids
        )
        message["content"] = content
        message["attachments"] = attachments
        self._emit("thread.message.delta", objects.message_delta(message["id"], content))
        if self.script.outcome == "incomplete":
            message["status"] = "incomplete"
            message["incomplete_at"] = objects.ts(when)
            message["incomplete_details"] = {"reason": "max_tokens"}
            self._emit("thread.message.incomplete", message)
        else:
            message["status"] = "completed"
            message["completed_at"] = objects.ts(when)
            self._emit("thread.message.completed", message)

    def _close_step(self, step: dict[str, Any], status: str, when: float) -> None:
        stamp = max(objects.ts(when), step["created_at"])
        step["status"] = status
        step[f"{status}_at"] = stamp
        if status == "completed":
            is_reply = step["type"] == "message_creation"
            step["usage"] = objects.usage_object(self.script.usage if is_reply else objects.ZERO_USAGE)
        if step["id"] in self._open_steps:
            self._open_steps.remove(step["id"])

    def _close_open_steps(self, status: str, when: float, event: str) -> None:
        for step_id in list(self._open_steps):
            step = self.steps[step_id]
            if status == "failed":
                error = self.script.error()
                code = error.get("code") if error.get("code") == "rate_limit_exceeded" else "server_error"
                step["last_error"] = {"code": code, "message": error.get("message", "")}
            self._close_step(step, status, when)
            self._emit(event, step)
        message = self._messages.get(self._message_id or "")
        if message is not None and message["status"] == "in_progress":
            message["status"] = "incomplete"
            message["incomplete_at"] = objects.ts(when)
            message["incomplete_details"] = {"reason": f"run_{status}"}
            self._emit("thread.message.incomplete", message)

    def _finish(self, when: float) -> None:
        outcome = self.script.outcome
        if outcome == "completed":
            self._complete(when)
        elif outcome == "incomplete":
            self.data["status"] = "incomplete"
            self.data["completed_at"] = objects.ts(when)
            self.data["incomplete_details"] = {"reason": self.script.incomplete_reason}
            self.data["usage"] = objects.usage_object(self.script.usage)
            self._emit("thread.run.incomplete", self.data)
        elif outcome == "failed":
            self._close_open_steps("failed", when, "thread.run.step.failed")
            self.data["status"] = "failed"
            self.data["failed_at"] = objects.ts(when)
            self.data["last_error"] = self.script.error()
            self.data["usage"] = objects.usage_object(self.script.usage)
            self._emit("thread.run.failed", self.data)
        elif outcome == "expired":
            self._expire(when)
        else:
            self._require_action(when)

    def _complete(self, when: float) -> None:
        self.data["status"] = "completed"
        self.data["completed_at"] = objects.ts(when)
        self.data["usage"] = objects.usage_object(self.script.usage)
        self._emit("thread.run.completed", self.data)

    def _expire(self, when: float) -> None:
        self._timeline.clear()
        self._close_open_steps("expired", when, "thread.run.step.expired")
        self.data["status"] = "expired"
        self.data["expired_at"] = objects.ts(when)
        self.data["required_action"] = None
        self._emit("thread.run.expired", self.data)

    def _require_action(self, when: float) -> None:
        calls: list[dict[str, Any]] = []
        if self._function_step_id is not None:
            for call in self.steps[self._function_step_id]["step_details"]["tool_calls"]:
                function = {"name": call["function"]["name"], "arguments": call["function"]["arguments"]}
                calls.append({"id": call["id"], "type": "function", "function": function})
        self.data["status"] = "requires_action"
        self.data["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
        self._emit("thread.run.requires_action", self.data)
        self._timeline.at(float(self.data["expires_at"]), self._expire)

    def _finish_cancel(self, when: float) -> None:
        self._close_open_steps("cancelled", when, "thread.run.step.cancelled")
        self.data["status"] = "cancelled"
        self.data["cancelled_at"] = objects.ts(when)
        self.data["required_action"] = None
        self._emit("thread.run.cancelled", self.data)

    def _emit(self, event: str, data: Mapping[str, Any]) -> None:
        if data.get("object") == "thread.run.step":
            self.events.append((event, objects.public_step(data)))
        else:
            self.events.append((event, copy.deepcopy(dict(data))))
