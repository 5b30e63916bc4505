"""Assistants v2 runs and their steps: ``/threads/{thread_id}/runs``."""

from __future__ import annotations

import copy
from typing import Any

from .. import validation as v
from ..assistants_json import FILE_SEARCH_CONTENT_INCLUDE
from ..listing import page_params
from ..replies import ID, JsonReply, Query, Reply, Route, StreamReply, body_of, include_values, poll_headers
from ..state import FakeState


def _include_content(query: Query) -> bool:
    return FILE_SEARCH_CONTENT_INCLUDE in include_values(query)


class _Runs:
    def __init__(self, state: FakeState, poll_after_ms: int | None) -> None:
        self.state = state
        self.poll_after_ms = poll_after_ms

    def create_run(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        # Thread first: an unknown thread is a 404 whatever the body says.
        self.state.get_thread(params["thread_id"])
        fields = v.validate(body_of(body), v.RUN_FIELDS, required=("assistant_id",))
        with self.state.lock:
            run = self.state.create_run(params["thread_id"], fields)
            if fields.get("stream"):
                return StreamReply(run.id, 0)
            return JsonReply(200, copy.deepcopy(run.data))

    def list_runs(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.list_runs(params["thread_id"], page_params(query)))

    def get_run(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        run = self.state.get_run(params["thread_id"], params["run_id"])
        return JsonReply(200, run, poll_headers(self.poll_after_ms))

    def update_run(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        fields = v.validate(body_of(body), v.METADATA_ONLY_FIELDS)
        return JsonReply(200, self.state.update_run(params["thread_id"], params["run_id"], fields.get("metadata")))

    def cancel_run(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        return JsonReply(200, self.state.cancel_run(params["thread_id"], params["run_id"]))

    def submit_tool_outputs(self, params: dict[str, str], query: Query, body: Any) -> Reply:
        self.state.run(params["thread_id"], params["run_id"])
        fields = v.validate(body_of(body), v.SUBMIT_TOOL_OUTPUTS_FIELDS, required=("tool_outputs",))
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


def routes(state: FakeState, poll_after_ms: int | None) -> list[Route]:
    api = _Runs(state, poll_after_ms)
    run = rf"/threads/(?P<thread_id>{ID})/runs/(?P<run_id>{ID})"
    return [
        ("POST", rf"/threads/(?P<thread_id>{ID})/runs", api.create_run),
        ("GET", rf"/threads/(?P<thread_id>{ID})/runs", api.list_runs),
        ("GET", run, api.get_run),
        ("POST", run, api.update_run),
        ("POST", rf"{run}/cancel", api.cancel_run),
        ("POST", rf"{run}/submit_tool_outputs", api.submit_tool_outputs),
        ("GET", rf"{run}/steps", api.list_steps),
        ("GET", rf"{run}/steps/(?P<step_id>{ID})", api.get_step),
    ]
