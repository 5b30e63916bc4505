"""Responses + Conversations backend: the calls a Run makes on the Assistants API's successor.

A run is a background, stored Response of a stored Prompt on a Conversation::

    POST /responses {prompt: {id: pmpt_...}, conversation: conv_..., background: true, store: true, ...}

It is awaited like a run (``GET /responses/{id}``, or the create's event stream), cancelled with
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

import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import openai

from pulumi_openai_run._apis.responses import mapping
from pulumi_openai_run._core.calls import Caller, follow_events, is_transient, outcome_unknown, poll_after
from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.json import api_dict
from pulumi_openai_run._core.waiting import Deadline
from pulumi_openai_run._runs.backend import RunBackend, RunDetails, RunRef, RunView
from pulumi_openai_run.schema import CREATE_TOKEN_KEY

if TYPE_CHECKING:
    from openai.types.responses import ResponseIncludable

    from pulumi_openai_run._runs.fields import RunInputs

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

    active = mapping.ACTIVE
    succeeded = mapping.SUCCEEDED

    def __init__(self, client: openai.OpenAI) -> None:
        self._responses = client.responses
        self._items = client.conversations.items
        self._call = Caller(client)
        self._finished: dict[str, RunView] = {}
        """Responses seen in a terminal status: nothing to cancel, no need to ask again."""

    # --- create ------------------------------------------------------------------------------------

    def start(self, inputs: RunInputs, deadline: Deadline) -> RunView:
        created = self._create_exactly_once(
            inputs, deadline, lambda params, timeout: _view(api_dict(self._responses.create(**params, timeout=timeout)))
        )
        return self._remember(created)

    def follow(self, inputs: RunInputs, deadline: Deadline) -> RunView:
        def open_stream(params: dict[str, Any], timeout: float) -> Any:
            return self._responses.create(stream=True, **params, timeout=timeout)

        token: list[str | None] = []
        stream = self._create_exactly_once(inputs, deadline, open_stream, token)
        view = self._consume(stream, deadline)
        if view is None:  # the server took the request (it answered 200), but we never learnt the id
            raise self._lost(inputs["thread_id"], token[0] if token else None,
                             "the create's event stream ended before it named the response")
        return self._remember(view)

    def _create_exactly_once(self, inputs: RunInputs, deadline: Deadline,
                             send: Callable[[dict[str, Any], float], T],
                             token_out: list[str | None] | None = None) -> T:
        """``send(params, timeout)`` until it succeeds, never making a second response (see the module docs)."""
        conversation = str(inputs["thread_id"])
        params = mapping.create_params(inputs, secrets.token_hex(12))
        token = (params.get("metadata") or {}).get(CREATE_TOKEN_KEY)
        if token_out is not None:
            token_out.append(token)
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
                    unsure = True
                    if self._newest_item(conversation, deadline) != newest:
                        raise self._lost(conversation, token, (
                            f"the API did not answer the create ({_describe(error)}), and conversation "
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

    def _consume(self, stream: Any, deadline: Deadline) -> RunView | None:
        """Follow the events until the response is terminal; ``None`` if none named the response."""
        view: RunView | None = None

        def on_event(event: Any) -> bool:
            nonlocal view
            response = api_dict(event).get("response")
            if isinstance(response, Mapping) and response.get("id"):
                view = _view(response)
                return view.status not in self.active
            return False

        follow_events(stream, deadline, on_event)
        return view

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


def _describe(error: BaseException) -> str:
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}"
    return type(error).__name__


if TYPE_CHECKING:  # mypy holds the class to the interface the lifecycle uses
    _implements: Callable[[openai.OpenAI], RunBackend] = ResponsesBackend
