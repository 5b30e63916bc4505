"""Assistants v2 backend: the API calls a Run makes, each retried where that is safe.

All mapping between API objects and the Run's fields lives in ``assistants_mapping`` (pure); this
module is the I/O edge. openai's own retries are off (``max_retries=0``): a create is repeated only
after checking that the lost attempt did not create a run after all.
"""

from __future__ import annotations

import contextlib
import secrets
import warnings
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

import openai

from pulumi_openai_run._apis.assistants import mapping
from pulumi_openai_run._core import calls as api_calls
from pulumi_openai_run._core.calls import is_transient, outcome_unknown
from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.json import api_dict
from pulumi_openai_run._core.waiting import CANCEL_CEILING, LAST_LOOK_CEILING, Deadline
from pulumi_openai_run._runs.backend import ClientBackend, RunView, merged_inputs
from pulumi_openai_run.schema import CREATE_TOKEN_KEY

warnings.filterwarnings("ignore", message="The Assistants API is deprecated", category=DeprecationWarning)

T = TypeVar("T")

STEP_PAGE_SIZE = 100
FILE_SEARCH_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
_BUSY_THREAD = "already has an active run"


def is_busy_thread(error: BaseException) -> bool:
    return isinstance(error, openai.BadRequestError) and _BUSY_THREAD in str(error.message)


def _view(run: Mapping[str, Any], poll_after: float | None = None,
          messages: list[dict[str, Any]] | None = None) -> RunView:
    required = (run.get("required_action") or {}).get("submit_tool_outputs") or {}
    functions = [
        (call.get("function") or {}).get("name", "?") for call in required.get("tool_calls") or []
    ]
    return RunView(
        id=run["id"],
        status=run["status"],
        outputs=mapping.run_outputs(run),
        poll_after=poll_after,
        messages=messages,
        pending_functions=functions,
        raw=dict(run),
    )


class AssistantsBackend(ClientBackend):
    """Runs on the Assistants v2 API (``/threads/{thread_id}/runs``)."""

    active = mapping.ACTIVE
    succeeded = mapping.SUCCEEDED
    failed = mapping.FAILED

    def _runs(self, deadline: Deadline) -> Any:
        return self._api(deadline).beta.threads.runs

    # --- create ------------------------------------------------------------------------------------

    def start(self, inputs: Mapping[str, Any], deadline: Deadline) -> RunView:
        created, _ = self._create_exactly_once(
            inputs, deadline, lambda params: _view(api_dict(self._runs(deadline).create(inputs["thread_id"], **params)))
        )
        return created

    def follow(self, inputs: Mapping[str, Any], deadline: Deadline) -> RunView:
        def open_stream(params: dict[str, Any]) -> Any:
            return self._runs(deadline).create(inputs["thread_id"], stream=True, **params)

        created, lookup = self._create_exactly_once(inputs, deadline, open_stream)
        if isinstance(created, RunView):  # the stream was lost, the run found by its marker
            return created
        view = self._consume(created, deadline)
        if view is None:  # the stream broke before it named the run
            try:
                view = lookup(deadline)
            except Exception:
                self._stop_orphan(inputs, lookup)
                raise
        if view is None:
            raise ApiError("The run's event stream ended before the run was created; no run was made.")
        return view

    def _create_exactly_once(
        self, inputs: Mapping[str, Any], deadline: Deadline, send: Callable[[dict[str, Any]], T]
    ) -> tuple[T | RunView, Callable[[Deadline], RunView | None]]:
        """``send(params)`` until it succeeds, without ever making a second run.

        A create whose outcome is unknown (lost connection, timeout, 5xx) may have made the run: look
        for it by its marker before sending again. Once unsure, a "thread already has an active run"
        answer may mean our own run holds the thread, so look again then too. Returns what ``send``
        returned or the run found, and the look-up itself for later use.
        """
        thread_id = inputs["thread_id"]
        params, known = self._create_request(inputs, deadline)
        unsure = False

        def lookup(within: Deadline) -> RunView | None:
            page = self._call(lambda: self._runs(within).list(thread_id, limit=20, order="desc"), within, "list runs")
            for run in page.data:
                data = api_dict(run)
                if mapping.matches_request(data, params, known):
                    return _view(data)
            return None

        def attempt() -> T | RunView:
            nonlocal unsure
            try:
                return send(params)
            except Exception as error:
                if outcome_unknown(error) or (unsure and is_busy_thread(error)):
                    unsure = True
                    found = lookup(deadline)
                    if found is not None:
                        return found
                raise

        try:
            return self._create_call(attempt, deadline, "create a run"), lookup
        except Exception:
            if unsure:
                self._stop_orphan(inputs, lookup)
            raise

    def _stop_orphan(self, inputs: Mapping[str, Any], lookup: Callable[[Deadline], RunView | None]) -> None:
        """A create that failed after an unknown outcome may have made a run after all: take one last
        look, on a fresh deadline, and cancel what it finds, so that nothing keeps running unrecorded."""
        with contextlib.suppress(Exception):  # the create's own error is the one to report
            found = lookup(Deadline(LAST_LOOK_CEILING))
            if found is not None and found.status in self.active:
                self.cancel(inputs, found.id, Deadline(CANCEL_CEILING))

    def _consume(self, stream: Any, deadline: Deadline) -> RunView | None:
        """Follow the events; ``None`` when the stream broke before the run was announced."""
        run: dict[str, Any] | None = None
        messages: list[dict[str, Any]] = []
        try:
            for event in stream:
                name = str(event.event)
                if name.startswith("thread.run.") and not name.startswith("thread.run.step"):
                    run = api_dict(event.data)
                elif name == "thread.message.completed":
                    messages.append(api_dict(event.data))
                if run is not None and (run["status"] not in self.active or run["status"] == "requires_action"):
                    break
                if deadline.expired():
                    break
        except Exception:  # a broken stream: the caller polls from here on
            pass
        finally:
            stream.close()
        if run is None:
            return None
        terminal = run["status"] not in self.active
        mine = [m for m in messages if m.get("run_id") == run["id"]]
        return _view(run, messages=mine if terminal else None)

    def _create_request(self, inputs: Mapping[str, Any], deadline: Deadline) -> tuple[dict[str, Any], set[str] | None]:
        """The create body with a fresh marker; with no room for one (16 metadata keys), the ids of
        the thread's recent runs, so that a run made by a lost request can still be told apart."""
        params = mapping.create_params(inputs, secrets.token_hex(12))
        if CREATE_TOKEN_KEY in (params.get("metadata") or {}):
            return params, None
        recent = self._call(
            lambda: self._runs(deadline).list(inputs["thread_id"], limit=100, order="desc"), deadline, "list runs"
        )
        return params, {run.id for run in recent.data}

    @staticmethod
    def _create_call(attempt: Callable[[], T], deadline: Deadline, what: str) -> T:
        """A create: transient errors and a busy thread are waited out within the whole deadline."""
        return api_calls.call(attempt, deadline, what, lambda e: is_transient(e) or is_busy_thread(e), ceiling=None)

    # --- reading and changing a run ------------------------------------------------------------

    def get(self, inputs: Mapping[str, Any], run_id: str, deadline: Deadline) -> RunView | None:
        def retrieve() -> RunView:
            raw = self._runs(deadline).with_raw_response.retrieve(run_id, thread_id=inputs["thread_id"])
            hint = raw.headers.get("openai-poll-after-ms")
            poll_after = float(hint) / 1000 if hint and hint.isdigit() else None
            return _view(api_dict(raw.parse()), poll_after=poll_after)

        try:
            return self._call(retrieve, deadline, f"retrieve run {run_id}")
        except ApiError as error:
            if isinstance(error.__cause__, openai.NotFoundError):
                return None
            raise

    def cancel(self, inputs: Mapping[str, Any], run_id: str, deadline: Deadline) -> RunView | None:
        thread_id = inputs["thread_id"]
        try:
            return self._call(
                lambda: _view(api_dict(self._runs(deadline).cancel(run_id, thread_id=thread_id))),
                deadline, f"cancel run {run_id}",
            )
        except ApiError as error:
            cause = error.__cause__
            if isinstance(cause, openai.NotFoundError):
                return None
            if isinstance(cause, openai.BadRequestError):  # it ended meanwhile: nothing to cancel
                return self.get(inputs, run_id, deadline)
            raise

    def set_metadata(self, inputs: Mapping[str, Any], run_id: str, metadata: Mapping[str, str],
                     deadline: Deadline) -> RunView:
        return self._call(
            lambda: _view(api_dict(
                self._runs(deadline).update(run_id, thread_id=inputs["thread_id"], metadata=dict(metadata))
            )),
            deadline, f"update the metadata of run {run_id}",
        )

    def details(self, inputs: Mapping[str, Any], view: RunView, deadline: Deadline) -> dict[str, Any]:
        thread_id = inputs["thread_id"]
        steps = self._list_all(
            lambda after: self._runs(deadline).steps.list(
                view.id, thread_id=thread_id, limit=STEP_PAGE_SIZE, order="asc",
                include=[FILE_SEARCH_CONTENT], after=after,
            ),
            deadline, f"list the steps of run {view.id}",
        )
        messages = view.messages
        if messages is None:
            messages = self._list_all(
                lambda after: self._api(deadline).beta.threads.messages.list(
                    thread_id, run_id=view.id, limit=100, order="asc", after=after
                ),
                deadline, f"list the messages of run {view.id}",
            )
        return mapping.detail_outputs(steps, messages)

    def server_inputs(self, inputs: Mapping[str, Any], view: RunView) -> dict[str, Any]:
        return merged_inputs(inputs, mapping.echoed_inputs(view.raw))

    # --- plumbing --------------------------------------------------------------------------------

    def _list_all(self, fetch: Callable[[Any], Any], deadline: Deadline, what: str) -> list[dict[str, Any]]:
        """Every item of a list endpoint, one page after another (each page retried on its own)."""
        items: list[dict[str, Any]] = []
        after: Any = openai.omit
        while True:
            page = self._call(partial(fetch, after), deadline, what)
            items.extend(api_dict(item) for item in page.data)
            if not page.has_more or not page.data:
                return items
            after = page.data[-1].id

    @staticmethod
    def _call(action: Callable[[], T], deadline: Deadline, what: str) -> T:
        return api_calls.call(action, deadline, what)
