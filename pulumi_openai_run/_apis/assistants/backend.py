"""Assistants v2 backend: the API calls a Run makes, each retried where that is safe.

All mapping between API objects and the Run's fields lives in ``mapping.py`` (pure); this module is the
I/O edge. openai's own retries are off (``max_retries=0``): a create is repeated only after checking that
the lost attempt did not create a run after all.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Final, TypeVar

import openai

from pulumi_openai_run._apis.assistants import ASSISTANTS, mapping
from pulumi_openai_run._core.calls import Caller, follow_events, is_transient, outcome_unknown, poll_after
from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.json import api_dict
from pulumi_openai_run._core.waiting import CANCEL_CEILING, LAST_LOOK_CEILING, Deadline
from pulumi_openai_run._runs.backend import RunBackend, RunDetails, RunRef, RunView
from pulumi_openai_run.schema import CREATE_TOKEN_KEY

if TYPE_CHECKING:
    from pulumi_openai_run._runs.fields import RunInputs

T = TypeVar("T")

STEP_PAGE_SIZE = 100
FILE_SEARCH_CONTENT: Final = "step_details.tool_calls[*].file_search.results[*].content"
_BUSY_THREAD = "already has an active run"


def is_busy_thread(error: BaseException) -> bool:
    return isinstance(error, openai.BadRequestError) and _BUSY_THREAD in str(error.message)


def _view(run: Mapping[str, Any], hint: float | None = None,
          messages: list[dict[str, Any]] | None = None) -> RunView:
    required = (run.get("required_action") or {}).get("submit_tool_outputs") or {}
    functions = [
        (call.get("function") or {}).get("name", "?") for call in required.get("tool_calls") or []
    ]
    return RunView(
        id=run["id"],
        status=run["status"],
        outputs=mapping.run_outputs(run),
        server_values=mapping.server_values(run),
        poll_after=hint,
        messages=messages,
        pending_functions=functions,
        raw=dict(run),
    )


def _thread(ref: RunRef) -> str:
    if ref.thread_id is None:
        raise ApiError(f"Cannot reach run {ref.run_id}: its thread_id is unknown.")
    return ref.thread_id


class AssistantsBackend:
    """Runs on the Assistants v2 API (``/threads/{thread_id}/runs``)."""

    api = ASSISTANTS
    active = mapping.ACTIVE
    succeeded = mapping.SUCCEEDED

    def __init__(self, client: openai.OpenAI) -> None:
        self._runs = client.beta.threads.runs
        self._messages = client.beta.threads.messages
        self._call = Caller(client)

    # --- create ------------------------------------------------------------------------------------

    def start(self, inputs: RunInputs, deadline: Deadline) -> RunView:
        thread_id = inputs["thread_id"]
        created, _ = self._create_exactly_once(
            inputs, deadline,
            lambda params, timeout: _view(api_dict(self._runs.create(thread_id, **params, timeout=timeout))),
        )
        return created

    def follow(self, inputs: RunInputs, deadline: Deadline) -> RunView:
        thread_id = inputs["thread_id"]

        def open_stream(params: dict[str, Any], timeout: float) -> Any:
            return self._runs.create(thread_id, stream=True, **params, timeout=timeout)

        created, lookup = self._create_exactly_once(inputs, deadline, open_stream)
        if isinstance(created, RunView):  # the stream was lost, the run found by its marker
            return created
        view = self._consume(created, deadline)
        if view is None:  # the stream broke before it named the run
            try:
                view = lookup(deadline)
            except Exception:
                self._stop_orphan(thread_id, lookup)
                raise
        if view is None:
            raise ApiError("The run's event stream ended before the run was created; no run was made.")
        return view

    def _create_exactly_once(
        self, inputs: RunInputs, deadline: Deadline, send: Callable[[dict[str, Any], float], T]
    ) -> tuple[T | RunView, Callable[[Deadline], RunView | None]]:
        """``send(params, timeout)`` until it succeeds, without ever making a second run.

        A create whose outcome is unknown (lost connection, timeout, 5xx) may have made the run: look
        for it by its marker before sending again. Once unsure, a "thread already has an active run"
        answer may mean our own run holds the thread, so look again then too. Returns what ``send``
        returned or the run found, and the look-up itself for later use.
        """
        thread_id = inputs["thread_id"]
        params, known = self._create_request(thread_id, inputs, deadline)
        unsure = False

        def lookup(within: Deadline) -> RunView | None:
            page = self._call(lambda timeout: self._runs.list(thread_id, limit=20, order="desc", timeout=timeout),
                              within, "list runs")
            for run in page.data:
                data = api_dict(run)
                if mapping.matches_request(data, params, known):
                    return _view(data)
            return None

        def attempt(timeout: float) -> T | RunView:
            nonlocal unsure
            try:
                return send(params, timeout)
            except Exception as error:
                if outcome_unknown(error) or (unsure and is_busy_thread(error)):
                    unsure = True
                    found = lookup(deadline)
                    if found is not None:
                        return found
                raise

        try:
            # transient errors and a busy thread are waited out within the whole deadline
            created = self._call(attempt, deadline, "create a run",
                                 lambda e: is_transient(e) or is_busy_thread(e), ceiling=None)
            return created, lookup
        except Exception:
            if unsure:
                self._stop_orphan(thread_id, lookup)
            raise

    def _stop_orphan(self, thread_id: str, lookup: Callable[[Deadline], RunView | None]) -> None:
        """A create that failed after an unknown outcome may have made a run after all: take one last
        look, on a fresh deadline, and cancel what it finds, so that nothing keeps running unrecorded."""
        with contextlib.suppress(Exception):  # the create's own error is the one to report
            found = lookup(Deadline(LAST_LOOK_CEILING))
            if found is not None and found.status in self.active:
                self.cancel(RunRef(found.id, thread_id), Deadline(CANCEL_CEILING))

    def _consume(self, stream: Any, deadline: Deadline) -> RunView | None:
        """Follow the events; ``None`` when the stream broke before the run was announced."""
        run: dict[str, Any] | None = None
        messages: list[dict[str, Any]] = []

        def on_event(event: Any) -> bool:
            nonlocal run
            name = str(event.event)
            if name.startswith("thread.run.") and not name.startswith("thread.run.step"):
                run = api_dict(event.data)
            elif name == "thread.message.completed":
                messages.append(api_dict(event.data))
            return run is not None and (run["status"] not in self.active or run["status"] == "requires_action")

        follow_events(stream, deadline, on_event)
        if run is None:
            return None
        terminal = run["status"] not in self.active
        mine = [m for m in messages if m.get("run_id") == run["id"]]
        return _view(run, messages=mine if terminal else None)

    def _create_request(self, thread_id: str, inputs: RunInputs,
                        deadline: Deadline) -> tuple[dict[str, Any], set[str] | None]:
        """The create body with a fresh marker; with no room for one (16 metadata keys), the ids of
        the thread's recent runs, so that a run made by a lost request can still be told apart."""
        params = mapping.create_params(inputs, secrets.token_hex(12))
        if CREATE_TOKEN_KEY in (params.get("metadata") or {}):
            return params, None
        recent = self._call(lambda timeout: self._runs.list(thread_id, limit=100, order="desc", timeout=timeout),
                            deadline, "list runs")
        return params, {run.id for run in recent.data}

    # --- reading and changing a run ------------------------------------------------------------

    def get(self, ref: RunRef, deadline: Deadline) -> RunView | None:
        thread_id = _thread(ref)

        def retrieve(timeout: float) -> RunView:
            raw = self._runs.with_raw_response.retrieve(ref.run_id, thread_id=thread_id, timeout=timeout)
            return _view(api_dict(raw.parse()), hint=poll_after(raw.headers))

        return self._call.unless_gone(retrieve, deadline, f"retrieve run {ref.run_id}")

    def cancel(self, ref: RunRef, deadline: Deadline) -> RunView | None:
        thread_id = _thread(ref)
        try:
            return self._call.unless_gone(
                lambda timeout: _view(api_dict(self._runs.cancel(ref.run_id, thread_id=thread_id, timeout=timeout))),
                deadline, f"cancel run {ref.run_id}",
            )
        except ApiError as error:
            if isinstance(error.__cause__, openai.BadRequestError):  # it ended meanwhile: nothing to cancel
                return self.get(ref, deadline)
            raise

    def set_metadata(self, ref: RunRef, metadata: Mapping[str, str], deadline: Deadline) -> RunView:
        thread_id = _thread(ref)
        return self._call(
            lambda timeout: _view(api_dict(
                self._runs.update(ref.run_id, thread_id=thread_id, metadata=dict(metadata), timeout=timeout)
            )),
            deadline, f"update the metadata of run {ref.run_id}",
        )

    def details(self, ref: RunRef, view: RunView, deadline: Deadline) -> RunDetails:
        thread_id = _thread(ref)
        steps = self._list_all(
            lambda after, timeout: self._runs.steps.list(
                view.id, thread_id=thread_id, limit=STEP_PAGE_SIZE, order="asc",
                include=[FILE_SEARCH_CONTENT], after=after, timeout=timeout,
            ),
            deadline, f"list the steps of run {view.id}",
        )
        messages = view.messages
        if messages is None:
            messages = self._list_all(
                lambda after, timeout: self._messages.list(
                    thread_id, run_id=view.id, limit=100, order="asc", after=after, timeout=timeout
                ),
                deadline, f"list the messages of run {view.id}",
            )
        return mapping.details(steps, messages)

    def delete_stored(self, ref: RunRef, deadline: Deadline) -> None:
        """Nothing to delete: a run has no delete, and stays with its thread."""

    # --- plumbing --------------------------------------------------------------------------------

    def _list_all(self, fetch: Callable[[Any, float], Any], deadline: Deadline, what: str) -> list[dict[str, Any]]:
        """Every item of a list endpoint, one page after another (each page retried on its own)."""
        items: list[dict[str, Any]] = []
        after: Any = openai.omit
        while True:
            page = self._call(partial(_page, fetch, after), deadline, what)
            items.extend(api_dict(item) for item in page.data)
            if not page.has_more or not page.data:
                return items
            after = page.data[-1].id


def _page(fetch: Callable[[Any, float], Any], after: Any, timeout: float) -> Any:
    return fetch(after, timeout)


if TYPE_CHECKING:  # mypy holds the class to the interface the lifecycle uses
    _implements: Callable[[openai.OpenAI], RunBackend] = AssistantsBackend
