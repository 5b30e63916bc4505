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

Servers that depart from OpenAI (OGX, see ``tests/real_server/``) are met by what they answer, never by
their address, and what a client's server refused is remembered for its later creates (:class:`ServerWays`):
a refused background stream gets the plain background create; a create refused for want of ``input`` (a
Run with none: the conversation is the context) is sent ``input: []``. A cancel answered 409 looks at the
response: ended, there is nothing to cancel.

Creating exactly once. The Responses API cannot list responses, and a conversation's items do not
name the response that made them, so a response whose id was never learnt cannot be looked up by its
marker as a run can. So the id is learnt at once: every create (polled or followed) is sent with
``background: true, stream: true``, and its first event (``response.created``) names the response within
milliseconds; the id is journaled then (``_runs/journal.py``), which is how a killed ``pulumi up``'s
response is found, adopted or stopped by the next one. (A server that refuses background streaming gets the
plain create.) For the milliseconds before that, what the API offers is evidence that a response was made:

* a conversation runs one response at a time, and refuses another meanwhile (``conversation_locked``);
* a response's items are added to its conversation when it finishes.

So before each create the backend notes the conversation's newest item. When a create's outcome is
unknown (lost connection, timeout, 5xx), it looks again: new items mean a response was made (and has
finished); otherwise it sends again, and a ``conversation_locked`` answer then means the lost request
made a response that is still running. A stream that answered 200 but broke before naming the response
means the server took the request. In these cases it stops without sending again and says how to
find the response (the marker ``pulumi_create_token`` is still in its metadata, visible in the
dashboard's logs); with no id it cannot cancel it, and says so. A request processed so late that it ran
after ours had ended leaves items newer than ours in the conversation: the create's last look logs it.

A busy conversation (``conversation_locked`` without an unknown outcome) is waited for, not retried on
the error backoff: when this process knows the response holding it, by polling that response's status
until it ends (this process's creates on one conversation take turns), else by asking again on a poll's
schedule (about once a second), for the completion_window or 10 minutes. Transient errors of a create
without a window are retried for 120 s.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

import openai

from pulumi_openai_run._apis.responses import RESPONSES, mapping
from pulumi_openai_run._core import interrupt
from pulumi_openai_run._core.calls import (
    Caller,
    describe,
    error_text,
    field_errors,
    follow_events,
    is_transient,
    outcome_unknown,
    poll_after,
)
from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.json import api_dict
from pulumi_openai_run._core.tools import ToolError
from pulumi_openai_run._core.waiting import (
    BUSY_THREAD_CEILING,
    TRANSIENT_RETRY_CEILING,
    Deadline,
    Polled,
    WindowElapsed,
    pause,
    poll_interval,
    poll_until,
)
from pulumi_openai_run._runs.backend import Create, Earlier, RunBackend, RunDetails, RunRef, RunView
from pulumi_openai_run.schema import CREATE_TOKEN_KEY

if TYPE_CHECKING:
    from openai.types.responses import ResponseIncludable

    from pulumi_openai_run._runs.journal import Entry

T = TypeVar("T")

_log = logging.getLogger("pulumi_openai_run")

TURN_SLICE = 1.0
"""Seconds a create waits for its turn on a conversation before it looks whether pulumi up was interrupted."""
LOCKED = "conversation_locked"
"""The error code of a create on a conversation that another response is running on."""


class LostCreateError(ApiError):
    """A create may have made a response that cannot be found by its id; it was not sent again."""


def is_locked(error: BaseException | None) -> bool:
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
        self._created: dict[str, str] = {}
        """The response each create (by its marker's token) made, as soon as the API named it."""

    # --- create ------------------------------------------------------------------------------------

    def earlier(self, create: Create, known: Sequence[Entry], deadline: Deadline) -> Earlier:
        """Responses cannot be listed: only the journal's responses of this create step are known. Each is
        read (a deleted one is skipped) and counts only if it carries the step's marker.

        Asked again after a create whose outcome was unknown (``create.unsure``, no entries): a request
        processed late cannot be found by its id either, so the conversation is the evidence. A conversation
        runs one response at a time, so such a request either met ours running (refused, as
        ``conversation_locked``) or ran after ours ended; in that case items newer than our response's own
        join the conversation, and this says so in the log (it cannot stop what it cannot name)."""
        found: list[RunView] = []
        for entry in known:
            if entry.thread_id not in (None, create.inputs["thread_id"]) or not entry.run_id:
                continue
            view = self.get(RunRef(entry.run_id, entry.thread_id), deadline)
            if view is not None and create.marker.same_step(view.marker):
                found.append(view)
                _HOLDERS.note(create.inputs["thread_id"], view.id)
        if not known and create.unsure:
            self._look_for_a_late_twin(create, deadline)
        return Earlier(mine=[view for view in found if create.marker.mine(view.marker)],
                       strays=[view for view in found if not create.marker.mine(view.marker)])

    def start(self, create: Create, deadline: Deadline) -> RunView:
        """Create the response with ``background: true, stream: true``, read its events only until the first
        one that names it (``response.created``, milliseconds after the request), then close the stream:
        from then on the id is journaled and the lifecycle polls. Without the stream a lost answer would
        leave a response no one can name; with it, only a connection lost within those milliseconds can."""
        opened = self._open(create, deadline)
        if isinstance(opened, _Opened):
            opened.close()
            return self._remember(opened.view)
        return self._remember(opened)

    def follow(self, create: Create, deadline: Deadline) -> RunView:
        """Create the response with ``background: true, stream: true`` and follow its events; a stream that
        drops is resumed after its last ``sequence_number``. A server that refuses background streaming
        gets the plain create instead; one that does not resume hands over to polling (the last view)."""
        opened = self._open(create, deadline)
        if isinstance(opened, RunView):  # background streaming refused: polled from here
            return self._remember(opened)
        followed = _Followed(create.on_named)
        followed.view, followed.last = opened.view, opened.last
        if followed.view.status in self.active:
            self._consume(opened, deadline, followed)
        else:
            opened.close()
        self._resume(followed, deadline)
        assert followed.view is not None
        return self._remember(followed.view)

    def _open(self, create: Create, deadline: Deadline) -> _Opened | RunView:
        """Send the create as a background stream, exactly once, and read it until it names the response
        (``create.on_named`` is called then, before anything else); a server that refuses background
        streaming gets the plain create (a view). A stream that breaks before it names the response is an
        unknown outcome, handled as a lost answer (see ``_create_exactly_once``)."""
        params = self._request(create, deadline)
        ways = _ways_of(self._call.client)

        def send(body: dict[str, Any], timeout: float) -> _Opened | RunView:
            if ways.needs_input and "input" not in body:
                body = {**body, "input": []}  # no new message: the conversation's items are the context
            try:
                if not ways.no_background_stream:
                    try:
                        stream = self._responses.create(stream=True, **body, timeout=timeout)
                    except openai.BadRequestError as error:
                        if not refuses_background_stream(error):
                            raise
                        ways.no_background_stream = True  # and no later create on this client asks again
                    else:
                        return self._named(stream, create)
                # refused before anything was made: the same request without the stream is safe to send
                view = self._send_plain(body, timeout)
            except openai.BadRequestError as error:
                if "input" in body or not wants_input(error):
                    raise
                ways.needs_input = True  # refused before anything was made: safe to send again, with input
                return send(body, timeout)
            self._named_by(create, view.id)
            return view

        return self._create_exactly_once(create, params, deadline, send)

    def _named(self, stream: Any, create: Create) -> _Opened:
        """Read ``stream`` up to its first event that names the response, and journal the id at once."""
        events = iter(stream)
        last: int | None = None
        try:
            for event in events:
                data = api_dict(event)
                if isinstance(data.get("sequence_number"), int):
                    last = data["sequence_number"]
                response = data.get("response")
                if isinstance(response, Mapping) and response.get("id"):
                    self._named_by(create, str(response["id"]))
                    return _Opened(_view(response), last, events, stream)
        except Exception as error:
            stream.close()
            raise _Unnamed(f"broke ({describe(error)})") from error
        stream.close()
        raise _Unnamed("ended")

    def _named_by(self, create: Create, response_id: str) -> None:
        """The API named the response ``create`` made: journal it first, then note it holds the conversation."""
        create.on_named(response_id)
        self._created[create.marker.token] = response_id
        _HOLDERS.note(create.inputs["thread_id"], response_id)

    def _request(self, create: Create, deadline: Deadline) -> dict[str, Any]:
        """The create's body, with its marker and the configuration of the agent the Run names."""
        inputs = create.inputs
        agent_id = inputs.get("assistant_id")
        agent = None
        if agent_id:
            try:
                agent = api_dict(self._call(lambda timeout: self._agents.retrieve(agent_id, timeout=timeout),
                                            deadline, f"read agent {agent_id} (the run's assistant_id)"))
            except ApiError as error:
                if not isinstance(error.__cause__, openai.NotFoundError):
                    raise
                raise ApiError(
                    f"{error} Either there is no agent {agent_id}, or the server at openai:baseUrl has no Agents "
                    "API (/agents): check assistant_id, or leave it out and give the Run its model and "
                    "instructions instead. Nothing was created."
                ) from error.__cause__
        try:
            return mapping.create_params(inputs, create.marker.token, agent)
        except ToolError as error:
            raise ApiError(f"Could not create a response: {error}") from None

    def _send_plain(self, params: dict[str, Any], timeout: float) -> RunView:
        return _view(api_dict(self._responses.create(**params, timeout=timeout)))

    def _create_exactly_once(self, create: Create, params: dict[str, Any], deadline: Deadline,
                             send: Callable[[dict[str, Any], float], T]) -> T:
        """``send(params, timeout)`` until it succeeds, never making a second response (see the module docs).

        * Transient errors are retried within the window, or for ``TRANSIENT_RETRY_CEILING`` without one.
        * A busy conversation (``conversation_locked``, which does not say which response holds it) is waited
          for, not retried on the error backoff: to the end of the holder when this process knows it (a
          response it started, or one an earlier attempt journaled: its status is polled), else by asking
          again on a poll's schedule (about once a second); within the window, or ``BUSY_THREAD_CEILING``
          without one.
        """
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
            except _Unnamed as error:
                # the server answered 200, so it took the request: a response was made, and sending again
                # could only make a second one
                unsure = create.unsure = True
                finished = self._newest_item(conversation, deadline) != newest
                raise self._lost(conversation, token, (
                    f"{error}, although the API took the request (it answered 200): a response was made, and "
                    + ("has finished" if finished else "is queued or running")
                ), running=not finished) from None
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
                    ), running=True) from error
                raise

        ceiling = TRANSIENT_RETRY_CEILING if create.window is None else None
        busy = deadline if create.window is not None else deadline.capped(BUSY_THREAD_CEILING)
        waits, said = 0, ""
        while True:
            if said:  # refused as locked: a response this process knows holds it? then to its end
                self._await_holder(conversation, busy)
            if busy.expired():
                raise ApiError(
                    f"Could not create a response: conversation {conversation} was still busy with another "
                    f"response{f' ({said})' if said else ''} when the time to wait for it ran out (the "
                    "completion_window, or "
                    f"{BUSY_THREAD_CEILING / 60:g} minutes without one). Nothing was created."
                )
            # this process's creates on one conversation take turns, so that when a response ends the next
            # create is sent once, not by every waiter at the same moment (all but one refused)
            turn = _HOLDERS.turn(conversation)
            if not turn.acquire(timeout=min(busy.remaining(), TURN_SLICE)):
                interrupt.check()  # waiting for a turn is a wait too: Ctrl-C ends it
                continue
            try:
                if said and _HOLDERS.on(conversation):
                    continue  # a create that had the turn started one: wait for it
                try:
                    return self._call(attempt, deadline, "create a response", ceiling=ceiling)
                except LostCreateError:
                    raise
                except ApiError as error:
                    if not is_locked(error.__cause__):
                        raise
                    said = _said(error.__cause__)
            finally:
                turn.release()
            if not _HOLDERS.on(conversation):  # held by a response this process does not know: ask again
                waits += 1  # on a poll's schedule
                pause(poll_interval(waits, busy.elapsed(), None), busy)

    def _await_holder(self, conversation: str, busy: Deadline) -> bool:
        """Wait for the end of a response known to hold ``conversation`` (one this process started or an
        earlier attempt journaled); false when none is known to be active."""
        for response_id in _HOLDERS.on(conversation):
            ref = RunRef(response_id, conversation)
            try:
                view = self.get(ref, busy)
            except ApiError:  # not ours to fail on: ask again blind instead
                view = None
            if view is not None and view.status in self.active:
                with contextlib.suppress(WindowElapsed):
                    poll_until(partial(self._ended, ref, busy), busy,
                               seen=Polled(done=False, poll_after=view.poll_after))
                _HOLDERS.drop(conversation, response_id)
                return True
            _HOLDERS.drop(conversation, response_id)
        return False

    def _ended(self, ref: RunRef, deadline: Deadline) -> tuple[None, Polled]:
        now = self.get(ref, deadline)
        return None, Polled(done=now is None or now.status not in self.active,
                            poll_after=now.poll_after if now else None)

    def _look_for_a_late_twin(self, create: Create, deadline: Deadline) -> None:
        """After a create that followed an unknown outcome: did the lost request run after ours ended? Then
        the conversation has items newer than our response's last one. Say so; it cannot be named."""
        ours = self._finished.get(self._created.get(create.marker.token, ""))
        if ours is None or ours.status not in self.succeeded:
            return  # still running (nothing can have run after it yet), or ended without adding items
        own = {str(item.get("id")) for item in ours.raw.get("output") or () if isinstance(item, Mapping)}
        conversation = create.inputs["thread_id"]
        newest = self._newest_item(conversation, deadline)
        if newest is not None and own and newest not in own:
            _log.warning(
                "Conversation %s has items newer than those of response %s, which this create made after a "
                "request whose answer was lost: that request may have been processed after all, and made a "
                "second response once %s had ended. The Responses API cannot list responses, so it cannot be "
                "found or cancelled from here; look in the OpenAI dashboard's logs for %s=%s (%s is the one "
                "recorded).", conversation, ours.id, ours.id, CREATE_TOKEN_KEY, create.marker.token, ours.id)

    def _newest_item(self, conversation: str, deadline: Deadline) -> str | None:
        page = self._call(
            lambda timeout: self._items.list(conversation, limit=1, order="desc", timeout=timeout),
            deadline, f"list the items of conversation {conversation}",
        )
        return next((str(getattr(item, "id", "")) for item in page.data), None)

    @staticmethod
    def _lost(conversation: str, token: str | None, what: str, running: bool = False) -> LostCreateError:
        marker = (
            f"by its metadata {CREATE_TOKEN_KEY}={token}" if token
            else "by its time and metadata (it has no marker: the metadata already had 16 keys)"
        )
        stopped = (
            " It was not cancelled either: without its id nothing can reach it, so it runs to its end; the next "
            "`pulumi up` waits for the conversation to be free, then makes a new one." if running else ""
        )
        return LostCreateError(
            f"Could not create a response: {what}. The Responses API cannot list responses, so that one "
            "cannot be found by its id, and to avoid making a second one the request was not sent again."
            f"{stopped} Find it in the OpenAI dashboard's logs {marker}; then adopt it with "
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
        what = f"cancel response {ref.run_id}"

        def cancel(timeout: float) -> RunView:
            return _view(api_dict(self._responses.cancel(ref.run_id, timeout=timeout)))

        try:
            view = self._call.unless_gone(cancel, deadline, what, retryable=_worth_cancelling_again)
        except ApiError as error:
            # it ended meanwhile, nothing to cancel: OpenAI answers 400, OGX 409 ("Cannot cancel response ...
            # with status 'completed'"); a 409 while it still runs is a conflict, retried as any other
            if isinstance(error.__cause__, openai.BadRequestError):
                return self.get(ref, deadline)
            if not isinstance(error.__cause__, openai.ConflictError):
                raise
            now = self.get(ref, deadline)
            if now is None or now.status not in self.active:
                return now
            view = self._call.unless_gone(cancel, deadline, what)
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


def _said(error: BaseException | None) -> str:
    """What the API said in an error answer (its body's message)."""
    if isinstance(error, openai.APIStatusError):
        return error_text(error)
    return str(getattr(error, "message", "") or error)


def _worth_cancelling_again(error: BaseException) -> bool:
    """A cancel's transient errors but a 409, which a server may answer for a response that has ended (OGX):
    :meth:`ResponsesBackend.cancel` looks at the response first, and retries only while it still runs."""
    return is_transient(error) and not isinstance(error, openai.ConflictError)


class ServerWays:
    """What one client's server was seen to refuse, so that later creates send what it takes at once.

    Learnt from its answers, never from its address: a server that answers a background stream with 400
    naming ``stream`` or ``background`` (OGX: "does not yet support 'stream' and 'background' together") is
    sent the plain background create; one that answers a create without ``input`` with 400 saying ``input``
    is required (OGX; OpenAI takes the conversation's items as the context) is sent ``input: []``, which means
    the same: no new message. Either refusal is made before anything is created, so resending is safe."""

    def __init__(self) -> None:
        self.no_background_stream = False
        self.needs_input = False


_WAYS_ATTRIBUTE = "_pulumi_openai_run_server_ways"
_WAYS_LOCK = threading.Lock()


def _ways_of(client: Any) -> ServerWays:
    """The :class:`ServerWays` of ``client``'s server, kept on the client itself: it lives as long as the
    client (one per configured provider), and a new client (a new configuration) learns afresh."""
    with _WAYS_LOCK:
        ways = getattr(client, _WAYS_ATTRIBUTE, None)
        if not isinstance(ways, ServerWays):
            ways = ServerWays()
            setattr(client, _WAYS_ATTRIBUTE, ways)
        return ways


def wants_input(error: openai.BadRequestError) -> bool:
    """Whether a 400 says the request lacks ``input`` (a field error on ``input``, or ``param: input`` with
    a message saying it is required or missing)."""
    if any(field == "input" for field, _ in field_errors(error)):
        return True
    said = error_text(error).lower()
    return getattr(error, "param", None) == "input" and ("required" in said or "missing" in said)


class _Unnamed(Exception):
    """A create answered 200 with an event stream that ended or broke before it named the response: the
    server took the request, so the outcome is unknown (handled like a lost answer)."""

    def __init__(self, how: str) -> None:
        super().__init__(f"the create's event stream {how} before it named the response")


class _Opened:
    """A create's event stream, read up to the event that named the response: the view then, the last
    ``sequence_number``, and the rest of the events (iterate it to go on; close it to stop)."""

    def __init__(self, view: RunView, last: int | None, events: Iterator[Any], stream: Any) -> None:
        self.view, self.last, self._events, self._stream = view, last, events, stream

    def __iter__(self) -> Iterator[Any]:
        return self._events

    def close(self) -> None:
        self._stream.close()


class _Holders:
    """The responses this process knows were started on each conversation (by any Run), so that a create
    refused with ``conversation_locked`` can wait on the holder's status instead of asking again blind.
    Thread-safe; entries are dropped once seen ended."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._on: dict[str, list[str]] = {}
        self._turns: dict[str, threading.Lock] = {}

    def turn(self, conversation: str) -> threading.Lock:
        """The lock this process's creates on ``conversation`` take in turn (held for a create request)."""
        with self._lock:
            return self._turns.setdefault(conversation, threading.Lock())

    def note(self, conversation: str, response_id: str) -> None:
        with self._lock:
            ids = self._on.setdefault(conversation, [])
            if response_id not in ids:
                ids.append(response_id)

    def on(self, conversation: str) -> list[str]:
        with self._lock:
            return list(self._on.get(conversation, ()))

    def drop(self, conversation: str, response_id: str) -> None:
        with self._lock:
            ids = self._on.get(conversation, [])
            if response_id in ids:
                ids.remove(response_id)
            if not ids:
                self._on.pop(conversation, None)


_HOLDERS = _Holders()


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
    if any(field in ("stream", "background") for field, _ in field_errors(error)):
        return True
    return param in ("stream", "background") or "stream" in error_text(error).lower()


if TYPE_CHECKING:  # mypy holds the class to the interface the lifecycle uses
    _implements: Callable[[openai.OpenAI], RunBackend] = ResponsesBackend
