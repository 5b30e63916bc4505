"""Assistants v2 backend: the API calls a Run makes, each retried where that is safe.

All mapping between API objects and the Run's fields lives in ``mapping.py`` (pure); this module is the
I/O edge. openai's own retries are off (``max_retries=0``): a create is repeated only after checking that
the lost attempt did not create a run after all.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Final, TypeVar

import openai

from pulumi_openai_run._apis.assistants import ASSISTANTS, mapping
from pulumi_openai_run._core.calls import Caller, describe, follow_events, outcome_unknown, poll_after
from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.json import api_dict
from pulumi_openai_run._core.waiting import (
    CANCEL_CEILING,
    LAST_LOOK_CEILING,
    STEADY_POLL,
    TRANSIENT_RETRY_CEILING,
    Deadline,
    Polled,
    WindowElapsed,
    pause,
    poll_until,
)
from pulumi_openai_run._runs.backend import Create, Earlier, RunBackend, RunDetails, RunRef, RunView
from pulumi_openai_run.schema import CREATE_TOKEN_KEY

if TYPE_CHECKING:
    from pulumi_openai_run._runs.journal import Entry

T = TypeVar("T")

STEP_PAGE_SIZE = 100
FILE_SEARCH_CONTENT: Final = "step_details.tool_calls[*].file_search.results[*].content"
_BUSY_THREAD = re.compile(r"already has an active run\s*(run_[A-Za-z0-9_-]+)?")
RECENT_RUNS = 100
"""How many of a thread's latest runs a create looks through for the runs of its earlier attempts."""


def busy_with(error: BaseException | None) -> str | None:
    """For a "thread already has an active run" answer: the id of that run (``""`` when the answer does
    not name it); ``None`` for any other error."""
    if not isinstance(error, openai.BadRequestError):
        return None
    found = _BUSY_THREAD.search(str(error.message))
    return None if found is None else (found.group(1) or "")


def _unmarked_loss(thread_id: str, error: BaseException) -> ApiError:
    return ApiError(
        f"Could not create a run on thread {thread_id}: the API did not answer the create ({describe(error)}), "
        "so a run may have been made, and this run's metadata already has all 16 keys, leaving no room for the "
        f"marker ({CREATE_TOKEN_KEY}) that would tell it apart from the thread's other runs. To avoid making "
        "or adopting the wrong one, nothing was sent again. List the thread's runs to see whether one was made "
        "(and cancel or adopt it with Run.get), and free one metadata key so that a lost answer can be recovered."
    )


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

    def earlier(self, create: Create, known: Sequence[Entry], deadline: Deadline) -> Earlier:
        """The thread's recent runs that carry this create step's marker (one list request), and the
        journal's runs of the step that the list no longer shows."""
        thread_id = create.inputs["thread_id"]
        found = {view.id: view for view in self._recent(thread_id, RECENT_RUNS, deadline)
                 if create.marker.same_step(view.marker)}
        for entry in known:
            if entry.run_id not in found and entry.thread_id == thread_id:
                view = self.get(RunRef(entry.run_id, thread_id), deadline)
                if view is not None and create.marker.same_step(view.marker):
                    found[view.id] = view
        runs = sorted(found.values(), key=lambda view: view.outputs.get("created_at") or 0, reverse=True)
        return Earlier(mine=[view for view in runs if create.marker.mine(view.marker)],
                       strays=[view for view in runs if not create.marker.mine(view.marker)])

    def start(self, create: Create, deadline: Deadline) -> RunView:
        thread_id = create.inputs["thread_id"]
        created, _ = self._create_exactly_once(
            create, deadline,
            lambda params, timeout: _view(api_dict(self._runs.create(thread_id, **params, timeout=timeout))),
        )
        create.on_named(created.id)
        return created

    def follow(self, create: Create, deadline: Deadline) -> RunView:
        thread_id = create.inputs["thread_id"]

        def open_stream(params: dict[str, Any], timeout: float) -> Any:
            return self._runs.create(thread_id, stream=True, **params, timeout=timeout)

        created, lookup = self._create_exactly_once(create, deadline, open_stream)
        if isinstance(created, RunView):  # the stream was lost, the run found by its marker
            create.on_named(created.id)
            return created
        view = self._consume(created, deadline, create.on_named)
        if view is None:  # the stream broke before it named the run
            create.unsure = True
            try:
                view = lookup(deadline)
            except Exception:
                self._stop_orphan(thread_id, lookup)
                raise
            if view is not None:
                create.on_named(view.id)
        if view is None:
            raise ApiError("The run's event stream ended before the run was created; no run was made.")
        return view

    def _create_exactly_once(
        self, create: Create, deadline: Deadline, send: Callable[[dict[str, Any], float], T]
    ) -> tuple[T | RunView, Callable[[Deadline], RunView | None]]:
        """``send(params, timeout)`` until it succeeds, without ever making a second run.

        * A create whose outcome is unknown (lost connection, timeout, 5xx) may have made the run: look for
          it by its marker before sending again. Without a marker (the user's metadata has all 16 keys)
          there is nothing to tell its run from another by, so fail rather than guess.
        * Transient errors are retried within the window, or for 120 s without one.
        * A busy thread ("already has an active run run_..."): if that run carries this create's marker it
          is this create's own (a request processed late); otherwise wait for that run to end, then send
          again at once.

        Returns what ``send`` returned or the run found, and the marker look-up itself for later use.
        """
        thread_id = create.inputs["thread_id"]
        params = mapping.create_params(create.inputs, create.marker.token)
        token = (params.get("metadata") or {}).get(CREATE_TOKEN_KEY)

        def lookup(within: Deadline) -> RunView | None:
            if token is None:
                return None
            return next((view for view in self._recent(thread_id, 20, within) if view.marker == token), None)

        def attempt(timeout: float) -> T | RunView:
            try:
                return send(params, timeout)
            except Exception as error:
                if outcome_unknown(error):
                    create.unsure = True
                    if token is None:
                        raise _unmarked_loss(thread_id, error) from error
                    found = lookup(deadline)
                    if found is not None:
                        return found
                raise

        ceiling = TRANSIENT_RETRY_CEILING if create.window is None else None
        try:
            while True:
                try:
                    return self._call(attempt, deadline, "create a run", ceiling=ceiling), lookup
                except ApiError as error:
                    active = busy_with(error.__cause__)
                    if active is None:
                        raise
                if active:
                    holder = self.get(RunRef(active, thread_id), deadline)
                    if holder is not None and token is not None and holder.marker == token:
                        return holder, lookup  # our own request, processed late
                    self._await_end(RunRef(active, thread_id), deadline)
                else:  # a server that does not say which run holds the thread: look again shortly
                    pause(STEADY_POLL, deadline)
                if deadline.expired():
                    holder_id = f" {active}" if active else ""
                    raise ApiError(f"Could not create a run: thread {thread_id} already has an active run{holder_id}, "
                                   "which was still active when the time to wait for it ran out (the "
                                   "completion_window, or 10 minutes without one). Nothing was created.")
        except Exception:
            if create.unsure:
                self._stop_orphan(thread_id, lookup)
            raise

    def _await_end(self, ref: RunRef, deadline: Deadline) -> None:
        """Wait until the run holding the thread is no longer active (or the deadline passes)."""
        def poll() -> tuple[None, Polled]:
            view = self.get(ref, deadline)
            return None, Polled(done=view is None or view.status not in self.active,
                                poll_after=view.poll_after if view else None)

        with contextlib.suppress(WindowElapsed):
            poll_until(poll, deadline)

    def _recent(self, thread_id: str, limit: int, deadline: Deadline) -> list[RunView]:
        page = self._call(lambda timeout: self._runs.list(thread_id, limit=limit, order="desc", timeout=timeout),
                          deadline, "list runs")
        return [_view(api_dict(run)) for run in page.data]

    def _stop_orphan(self, thread_id: str, lookup: Callable[[Deadline], RunView | None]) -> None:
        """A create that failed after an unknown outcome may have made a run after all: take one last
        look, on a fresh deadline, and cancel what it finds, so that nothing keeps running unrecorded."""
        with contextlib.suppress(Exception):  # the create's own error is the one to report
            found = lookup(Deadline(LAST_LOOK_CEILING))
            if found is not None and found.status in self.active:
                self.cancel(RunRef(found.id, thread_id), Deadline(CANCEL_CEILING))

    def _consume(self, stream: Any, deadline: Deadline, on_named: Callable[[str], None]) -> RunView | None:
        """Follow the events; ``None`` when the stream broke before the run was announced."""
        run: dict[str, Any] | None = None
        messages: list[dict[str, Any]] = []

        def on_event(event: Any) -> bool:
            nonlocal run
            name = str(event.event)
            if name.startswith("thread.run.") and not name.startswith("thread.run.step"):
                if run is None:
                    on_named(str(event.data.id))
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
