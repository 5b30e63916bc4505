"""The REST routes of the Assistants v2 API, mapped onto :class:`~.state.FakeState`.

Transport-agnostic: takes a parsed request, returns a JSON reply or a request to stream a run's
events. Raises :class:`~.errors.ApiError` for every error answer.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import validation as v
from .errors import ApiError
from .listing import page_params
from .objects import FILE_SEARCH_CONTENT_INCLUDE
from .state import FakeState

Query = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class JsonReply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StreamReply:
    """Answer with the run's stream events from index ``start`` on, as ``text/event-stream``."""

    run_id: str
    start: int


Reply = JsonReply | StreamReply
Handler = Callable[[dict[str, str], Query, Any], Reply]

_ID = r"[^/]+"


def _include_content(query: Query) -> bool:
    values = [*query.get("include[]", ()), *query.get("include", ())]
    return FILE_SEARCH_CONTENT_INCLUDE in values


def _body(body: Any) -> dict[str, Any]:
    return {} if body is None else body


class Api:
    def __init__(self, state: FakeState, poll_after_ms: int | None = None) -> None:
        self.state = state
        self.poll_after_ms = poll_after_ms
        run = rf"/threads/(?P<thread_id>{_ID})/runs/(?P<run_id>{_ID})"
        routes: list[tuple[str, str, Handler]] = [
            ("POST", r"/assistants", self.create_assistant),
            ("GET", r"/assistants", self.list_assistants),
            ("GET", rf"/assistants/(?P<assistant_id>{_ID})", self.get_assistant),
            ("POST", rf"/assistants/(?P<assistant_id>{_ID})", self.update_assistant),
            ("DELETE", rf"/assistants/(?P<assistant_id>{_ID})", self.delete_assistant),
            ("POST", r"/threads", self.create_thread),
            ("GET", rf"/threads/(?P<thread_id>{_ID})", self.get_thread),
            ("POST", rf"/threads/(?P<thread_id>{_ID})", self.update_thread),
            ("DELETE", rf"/threads/(?P<thread_id>{_ID})", self.delete_thread),
            ("POST", rf"/threads/(?P<thread_id>{_ID})/messages", self.create_message),
            ("GET", rf"/threads/(?P<thread_id>{_ID})/messages", self.list_messages),
            ("GET", rf"/threads/(?P<thread_id>{_ID})/messages/(?P<message_id>{_ID})", self.get_message),
            ("POST", rf"/threads/(?P<thread_id>{_ID})/messages/(?P<message_id>{_ID})", self.update_message),
            ("DELETE", rf"/threads/(?P<thread_id>{_ID})/messages/(?P<message_id>{_ID})", self.delete_message),
            ("POST", rf"/threads/(?P<thread_id>{_ID})/runs", self.create_run),
            ("GET", rf"/threads/(?P<thread_id>{_ID})/runs", self.list_runs),
            ("GET", run, self.get_run),
            ("POST", run, self.update_run),
            ("POST", rf"{run}/cancel", self.cancel_run),
            ("POST", rf"{run}/submit_tool_outputs", self.submit_tool_outputs),
            ("GET", rf"{run}/steps", self.list_steps),
            ("GET", rf"{run}/steps/(?P<step_id>{_ID})", self.get_step),
        ]
        from .responses_api import responses_routes  # imports this module's reply types

        routes.extend(responses_routes(state.conversations, poll_after_ms, lambda: state.closed))
        self._routes = [(method, re.compile(pattern), handler) for method, pattern, handler in routes]

    def dispatch(self, method: str, path: str, query: Query, body: Any) -> Reply:
        """Route ``method path`` (path without ``/v1``)."""
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match is not None and route_method == method.upper():
                return handler(match.groupdict(), query, body)
        raise ApiError(404, f"Invalid URL ({method.upper()} /v1{path})")

    # -- assistants -----------------------------------------------------------------------------

    def create_assistant(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(_body(body), v.ASSISTANT_FIELDS, required=("model",))
        return JsonReply(200, self.state.create_assistant(fields))

    def list_assistants(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.list_assistants(page_params(query)))

    def get_assistant(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.get_assistant(params["assistant_id"]))

    def update_assistant(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(_body(body), v.ASSISTANT_FIELDS)
        return JsonReply(200, self.state.update_assistant(params["assistant_id"], fields))

    def delete_assistant(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.delete_assistant(params["assistant_id"]))

    # -- threads --------------------------------------------------------------------------------

    def create_thread(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(_body(body), v.THREAD_FIELDS)
        thread = self.state.create_thread(fields.get("messages"), fields.get("metadata"), fields.get("tool_resources"))
        return JsonReply(200, thread)

    def get_thread(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.get_thread(params["thread_id"]))

    def update_thread(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(_body(body), v.THREAD_UPDATE_FIELDS)
        thread = self.state.update_thread(params["thread_id"], fields.get("metadata"), fields.get("tool_resources"))
        return JsonReply(200, thread)

    def delete_thread(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.delete_thread(params["thread_id"]))

    # -- messages -------------------------------------------------------------------------------

    def create_message(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(_body(body), v.MESSAGE_FIELDS, required=("role", "content"))
        return JsonReply(200, self.state.create_message(params["thread_id"], fields))

    def list_messages(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        run_ids = query.get("run_id")
        run_id = run_ids[-1] if run_ids else None
        return JsonReply(200, self.state.list_messages(params["thread_id"], page_params(query), run_id))

    def get_message(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.get_message(params["thread_id"], params["message_id"]))

    def update_message(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(_body(body), v.METADATA_ONLY_FIELDS)
        message = self.state.update_message(params["thread_id"], params["message_id"], fields.get("metadata"))
        return JsonReply(200, message)

    def delete_message(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.delete_message(params["thread_id"], params["message_id"]))

    # -- runs -----------------------------------------------------------------------------------

    def create_run(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        # Thread first: an unknown thread is a 404 whatever the body says.
        self.state.get_thread(params["thread_id"])
        fields = v.validate(_body(body), v.RUN_FIELDS, required=("assistant_id",))
        with self.state.lock:
            run = self.state.create_run(params["thread_id"], fields)
            if fields.get("stream"):
                return StreamReply(run.id, 0)
            return JsonReply(200, copy.deepcopy(run.data))

    def list_runs(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.list_runs(params["thread_id"], page_params(query)))

    def get_run(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        run = self.state.get_run(params["thread_id"], params["run_id"])
        headers = {} if self.poll_after_ms is None else {"openai-poll-after-ms": str(self.poll_after_ms)}
        return JsonReply(200, run, headers)

    def update_run(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(_body(body), v.METADATA_ONLY_FIELDS)
        return JsonReply(200, self.state.update_run(params["thread_id"], params["run_id"], fields.get("metadata")))

    def cancel_run(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.cancel_run(params["thread_id"], params["run_id"]))

    def submit_tool_outputs(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        self.state.run(params["thread_id"], params["run_id"])
        fields = v.validate(_body(body), v.SUBMIT_TOOL_OUTPUTS_FIELDS, required=("tool_outputs",))
        with self.state.lock:
            start = self.state.event_count(params["run_id"])
            run = self.state.submit_tool_outputs(params["thread_id"], params["run_id"], fields["tool_outputs"])
            if fields.get("stream"):
                return StreamReply(run.id, start)
            return JsonReply(200, copy.deepcopy(run.data))

    def list_steps(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        steps = self.state.list_steps(
            params["thread_id"], params["run_id"], page_params(query), _include_content(query)
        )
        return JsonReply(200, steps)

    def get_step(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        step = self.state.get_step(params["thread_id"], params["run_id"], params["step_id"], _include_content(query))
        return JsonReply(200, step)
