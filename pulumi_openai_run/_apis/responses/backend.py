"""Responses + Conversations backend: the calls a Run makes on the Assistants API's successor.

A run is a background, stored Response on a Conversation, configured inline::

    GET /agents/{assistant_id}            (when the Run names an agent: its model, instructions, tools, ...)
    POST /responses {conversation: conv_..., background: true, store: true, model, instructions, tools, ...}

It is awaited like a run (``GET /responses/{id}``, or the background response's event stream, resumed
with ``starting_after`` when it drops; a server that refuses background streaming, or does not resume,
is polled instead), cancelled with
``POST /responses/{id}/cancel`` and, on destroy, deleted with ``DELETE /responses/{id}``. A response is
immutable: there is no update. All mapping lives in ``mapping.py`` (pure); this module is the
I/O edge, with the same retry policy as the Assistants backend.

Creating exactly once. The Responses API cannot list responses, and a conversation's items do not
name the response that made them, so a response whose create answer was lost cannot be looked up
by its marker as a run can. What the API does offer is evidence that a response was made:

* a conversation runs one response at a time, and refuses another meanwhile (``conversation_locked``);
* a response's items are added to its conversation when it finishes.

So before each create the backend notes the conversation's newest item. When a create's outcome is
unknown (lost connection, timeout, 5xx), it looks again: new items mean a response was made (and has
finished); otherwise it sends again, and a ``conversation_locked`` answer then means the lost request
made a response that is still running. In both cases it stops without sending again and says how to
find the response (the marker ``pulumi_create_token`` is still in its metadata, visible in the
dashboard's logs). A response is thus never made twice; it is made exactly once whenever the API
answers, or the lost request provably made nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

import openai

from pulumi_openai_run._apis.responses import RESPONSES, mapping
from pulumi_openai_run._core.calls import Caller, describe, follow_events, is_transient, outcome_unknown, poll_after
from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.json import api_dict
from pulumi_openai_run._core.tools import ToolError
from pulumi_openai_run._core.waiting import Deadline
from pulumi_openai_run._runs.backend import Create, Earlier, RunBackend, RunDetails, RunRef, RunView
from pulumi_openai_run.schema import CREATE_TOKEN_KEY

if TYPE_CHECKING:
    from openai.types.responses import ResponseIncludable

    from pulumi_openai_run._runs.journal import Entry

T = TypeVar("T")

LOCKED = "conversation_locked"
"""The error code of a create on a conversation that another response is running on."""


class LostCreateError(ApiError):
    """A create may have made a response that cannot be found by its id; it was not sent again."""


def is_locked(error: BaseException) -> bool:
    return isinstance(error, openai.APIStatusError) and getattr(error, "code", None) == LOCKED


def _view(response: Mapping[str, Any], hint: float | None = None) -> RunView:
    return RunView(
        id=str(response["id"]),
        status=mapping.lifecycle_status(response),
        outputs=mapping.run_outputs(response),
        server_values=mapping.server_values(response),
        poll_after=hint,
        pending_functions=mapping.pending_functions(response),
        raw=dict(response),
    )


class ResponsesBackend:
    """Runs on the Responses API (``/responses``), on a conversation (``/conversations``)."""

    api = RESPONSES
    active = mapping.ACTIVE
    succeeded = mapping.SUCCEEDED

    def __init__(self, client: openai.OpenAI) -> None:
        self._responses = client.responses
        self._items = client.conversations.items
        self._agents = client.beta.agents
        self._call = Caller(client)
        self._finished: dict[str, RunView] = {}
        """Responses seen in a terminal status: nothing to cancel, no need to ask again."""

    # --- create ------------------------------------------------------------------------------------

    def earlier(self, create: Create, known: Sequence[Entry], deadline: Deadline) -> Earlier:
        """Responses cannot be listed: only the journal's responses of this create step are known. Each is
        read (a deleted one is skipped) and counts only if it carries the step's marker."""
        found: list[RunView] = []
        for entry in known:
            if entry.thread_id not in (None, create.inputs["thread_id"]):
                continue
            view = self.get(RunRef(entry.run_id, entry.thread_id), deadline)
            if view is not None and create.marker.same_step(view.marker):
                found.append(view)
        return Earlier(mine=[view for view in found if create.marker.mine(view.marker)],
                       strays=[view for view in found if not create.marker.mine(view.marker)])

    def start(self, create: Create, deadline: Deadline) -> RunView:
        params = self._request(create, deadline)
        created = self._create_exactly_once(create, params, deadline, self._send_plain)
        create.on_named(created.id)
        return self._remember(created)

    def follow(self, create: Create, deadline: Deadline) -> RunView:
        """Create the response with ``background: true, stream: true`` and follow its events; a stream that
        drops is resumed after its last ``sequence_number``. A server that refuses background streaming
        gets the plain create instead; one that does not resume hands over to polling (the last view)."""
        params = self._request(create, deadline)
        refused = False

        def open_stream(body: dict[str, Any], timeout: float) -> Any:
            nonlocal refused
            if not refused:
                try:
                    return self._responses.create(stream=True, **body, timeout=timeout)
                except openai.BadRequestError as error:
                    if not refuses_background_stream(error):
                        raise
                    refused = True  # and a retry of this create does not ask again
            # refused before anything was made: the same request without the stream is safe to send
            return self._send_plain(body, timeout)

        conversation = create.inputs["thread_id"]
        opened = self._create_exactly_once(create, params, deadline, open_stream)
        if isinstance(opened, RunView):  # background streaming refused: polled from here
            create.on_named(opened.id)
            return self._remember(opened)
        followed = _Followed(create.on_named)
        self._consume(opened, deadline, followed)
        if followed.view is None:  # the server took the request (it answered 200), but we never learnt the id
            raise self._lost(conversation, (params.get("metadata") or {}).get(CREATE_TOKEN_KEY),
                             "the create's event stream ended before it named the response")
        self._resume(followed, deadline)
        return self._remember(followed.view)

    def _request(self, create: Create, deadline: Deadline) -> dict[str, Any]:
        """The create's body, with its marker and the configuration of the agent the Run names."""
        inputs = create.inputs
        agent_id = inputs.get("assistant_id")
        agent = None
        if agent_id:
            agent = api_dict(self._call(lambda timeout: self._agents.retrieve(agent_id, timeout=timeout),
                                        deadline, f"read agent {agent_id} (the run's assistant_id)"))
        try:
            return mapping.create_params(inputs, create.marker.token, agent)
        except ToolError as error:
            raise ApiError(f"Could not create a response: {error}") from None

    def _send_plain(self, params: dict[str, Any], timeout: float) -> RunView:
        return _view(api_dict(self._responses.create(**params, timeout=timeout)))

    def _create_exactly_once(self, create: Create, params: dict[str, Any], deadline: Deadline,
                             send: Callable[[dict[str, Any], float], T]) -> T:
        """``send(params, timeout)`` until it succeeds, never making a second response (see the module docs)."""
        conversation = create.inputs["thread_id"]
        token = (params.get("metadata") or {}).get(CREATE_TOKEN_KEY)
        unsure = False
        newest: str | None = None

        def attempt(timeout: float) -> T:
            nonlocal unsure, newest
            if not unsure:  # once unsure, keep the mark from before the request that may have made one
                newest = self._newest_item(conversation, deadline)
            elif self._newest_item(conversation, deadline) != newest:
                # the lost request's response finished while we backed off: do not send again
                raise self._lost(conversation, token, (
                    f"the API did not answer the create, and conversation {conversation} has new items "
                    "since: a response was made, and has finished"
                ))
            try:
                return send(params, timeout)
            except Exception as error:
                if outcome_unknown(error):
                    unsure = create.unsure = True
                    if self._newest_item(conversation, deadline) != newest:
                        raise self._lost(conversation, token, (
                            f"the API did not answer the create ({describe(error)}), and conversation "
                            f"{conversation} has new items since: a response was made, and has finished"
                        )) from error
                elif unsure and is_locked(error):
                    raise self._lost(conversation, token, (
                        f"the API did not answer the create, and conversation {conversation} has been busy "
                        "since: the lost request made a response, which is running"
                    )) from error
                raise

        # transient errors and a busy conversation are waited out within the whole deadline
        return self._call(attempt, deadline, "create a response", lambda e: is_transient(e) or is_locked(e),
                          ceiling=None)

    def _newest_item(self, conversation: str, deadline: Deadline) -> str | None:
        page = self._call(
            lambda timeout: self._items.list(conversation, limit=1, order="desc", timeout=timeout),
            deadline, f"list the items of conversation {conversation}",
        )
        return next((str(getattr(item, "id", "")) for item in page.data), None)

    @staticmethod
    def _lost(conversation: str, token: str | None, what: str) -> LostCreateError:
        marker = (
            f"by its metadata {CREATE_TOKEN_KEY}={token}" if token
            else "by its time and metadata (it has no marker: the metadata already had 16 keys)"
        )
        return LostCreateError(
            f"Could not create a response: {what}. The Responses API cannot list responses, so that one "
            "cannot be found by its id, and to avoid making a second one the request was not sent again. "
            f"Find it in the OpenAI dashboard's logs {marker}; then adopt it with "
            f"Run.get(name, 'resp_...', thread_id='{conversation}') or run `pulumi up` again for a new one."
        )

    def _consume(self, stream: Any, deadline: Deadline, followed: _Followed) -> bool:
        """Follow the events into ``followed`` until the response is terminal, the stream ends or breaks or
        the deadline passes; true when any event was new."""
        progressed = False

        def on_event(event: Any) -> bool:
            nonlocal progressed
            data = api_dict(event)
            number = data.get("sequence_number")
            if isinstance(number, int):
                if followed.last is not None and number <= followed.last:
                    return False  # already seen (a resumed stream that repeats itself)
                followed.last = number
            progressed = True
            response = data.get("response")
            if isinstance(response, Mapping) and response.get("id"):
                if followed.view is None:
                    followed.on_named(str(response["id"]))
                followed.view = _view(response)
                return followed.view.status not in self.active
            return False

        follow_events(stream, deadline, on_event)
        return progressed

    def _resume(self, followed: _Followed, deadline: Deadline) -> None:
        """While the response is not terminal and the stream dropped, reopen it after the last event seen
        (``GET /responses/{id}?stream=true&starting_after=N``), as long as each reopened stream brings
        something new; otherwise stop, and the lifecycle polls from the last view."""
        while followed.view is not None and followed.view.status in self.active and not deadline.expired():
            response_id = followed.view.id
            try:
                stream = self._call(partial(self._reopen, response_id, followed.last), deadline,
                                    f"resume the event stream of response {response_id}")
            except ApiError:  # the server does not resume: poll instead
                return
            if not self._consume(stream, deadline, followed):
                return

    def _reopen(self, response_id: str, after: int | None, timeout: float) -> Any:
        include = cast("list[ResponseIncludable]", list(mapping.INCLUDE))
        return self._responses.retrieve(response_id, stream=True, include=include, timeout=timeout,
                                        starting_after=openai.omit if after is None else after)

    # --- reading and stopping a response -------------------------------------------------------

    def get(self, ref: RunRef, deadline: Deadline) -> RunView | None:
        def retrieve(timeout: float) -> RunView:
            include = cast("list[ResponseIncludable]", list(mapping.INCLUDE))
            raw = self._responses.with_raw_response.retrieve(ref.run_id, include=include, timeout=timeout)
            return _view(api_dict(raw.parse()), hint=poll_after(raw.headers))

        view = self._call.unless_gone(retrieve, deadline, f"retrieve response {ref.run_id}")
        return self._remember(view) if view is not None else None

    def cancel(self, ref: RunRef, deadline: Deadline) -> RunView | None:
        finished = self._finished.get(ref.run_id)
        if finished is not None:  # e.g. completed with function calls: nothing runs any more
            return finished
        try:
            view = self._call.unless_gone(
                lambda timeout: _view(api_dict(self._responses.cancel(ref.run_id, timeout=timeout))),
                deadline, f"cancel response {ref.run_id}",
            )
        except ApiError as error:
            if isinstance(error.__cause__, openai.BadRequestError):  # it ended meanwhile: nothing to cancel
                return self.get(ref, deadline)
            raise
        return self._remember(view) if view is not None else None

    def delete_stored(self, ref: RunRef, deadline: Deadline) -> None:
        """A stopped response is stored until deleted: delete it."""
        self._call.unless_gone(lambda timeout: self._responses.delete(ref.run_id, timeout=timeout), deadline,
                               f"delete response {ref.run_id}")

    def set_metadata(self, ref: RunRef, metadata: Mapping[str, str], deadline: Deadline) -> RunView:
        raise ApiError(
            f"Response {ref.run_id} cannot be changed: the Responses API has no update for a response, so a "
            "metadata change replaces it (the diff says so); this update should not have been asked for."
        )

    def details(self, ref: RunRef, view: RunView, deadline: Deadline) -> RunDetails:
        return mapping.details(view.raw)  # the output items come with the response: no request

    # --- plumbing --------------------------------------------------------------------------------

    def _remember(self, view: RunView) -> RunView:
        if view.status not in self.active:
            self._finished[view.id] = view
        return view


class _Followed:
    """What following a response's event stream has seen: the response as last announced, and the last
    event's ``sequence_number`` (where a resumed stream starts after)."""

    def __init__(self, on_named: Callable[[str], None]) -> None:
        self.view: RunView | None = None
        self.last: int | None = None
        self.on_named = on_named


def refuses_background_stream(error: openai.BadRequestError) -> bool:
    """Whether a 400 says the server does not stream background responses (rather than that the request
    is wrong in another way): it names the ``stream`` or ``background`` parameter, or streaming."""
    param = getattr(error, "param", None)
    body = error.body if isinstance(error.body, Mapping) else {}
    message = str(body.get("message") or error.message).lower()
    return param in ("stream", "background") or "stream" in message


if TYPE_CHECKING:  # mypy holds the class to the interface the lifecycle uses
    _implements: Callable[[openai.OpenAI], RunBackend] = ResponsesBackend
