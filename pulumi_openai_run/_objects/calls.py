"""The API calls of plain objects (assistants, threads, messages), each retried where that is safe.

One class for every kind: the kind (:class:`~pulumi_openai_run._objects.kind.ObjectKind`) says where its
calls live on the client and what goes in a body. Every call goes through ``_core.calls``: transient errors
are retried, any other API error becomes an ``ApiError`` naming the call.
A create is not repeated blindly: after an unknown outcome (a lost response, a 5xx) it first looks for the
object by a marker in its metadata, as a Run's create does. openai's own retries are off (``_core/client.py``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, TypeVar

from openai import NotFoundError, OpenAI

from pulumi_openai_run._core.calls import Caller, is_transient, outcome_unknown
from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.json import api_dict
from pulumi_openai_run._core.waiting import TRANSIENT_RETRY_CEILING, Deadline
from pulumi_openai_run._objects.kind import ObjectKind
from pulumi_openai_run.schema import CREATE_TOKEN_KEY, with_token

T = TypeVar("T")

LOOKUP_PAGE_SIZE = 100
"""How many of the latest objects a lost create is looked for among."""
_BUSY = ("while a run", "currently operating on this conversation")
"""How the APIs word a refused message on a thread with an active run ("Can't add messages to thread_... while
a run run_... is active.") and a refused item on a conversation with a response in progress
(``conversation_locked``: "Another process is currently operating on this conversation. ...")."""


class ObjectApi:
    """Create, retrieve, modify and delete one kind of plain API object."""

    def __init__(self, client: OpenAI, kind: ObjectKind) -> None:
        self._kind = kind
        self._collection = kind.collection(client)
        self._call = Caller(client)

    def create(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Create the object once, even when a response is lost; returns the API object."""
        kind, scope = self._kind, self._kind.scope_of(inputs)
        body = kind.create_body(inputs)
        deadline = Deadline(TRANSIENT_RETRY_CEILING)
        token: str | None = None
        if kind.lost_create == "find":
            marked = with_token(body.get("metadata"), secrets.token_hex(12))
            if CREATE_TOKEN_KEY in marked:  # no room when the user's metadata has all 16 keys
                token, body["metadata"] = marked[CREATE_TOKEN_KEY], marked
        newest = self._newest(scope, deadline) if kind.lost_create == "match" else None
        arguments = kind.create_call_args(body)

        def made_by_a_lost_request() -> dict[str, Any] | None:
            if token is not None:
                return self._find(scope, token, deadline)
            if kind.lost_create == "match":
                return self._match(scope, newest, body, deadline)
            return None

        def attempt(timeout: float) -> dict[str, Any]:
            try:
                return kind.created_object(api_dict(self._collection.create(**scope, **arguments, timeout=timeout)))
            except Exception as error:
                if outcome_unknown(error):
                    found = made_by_a_lost_request()
                    if found is not None:
                        return found
                raise

        def retryable(error: BaseException) -> bool:
            # Without a marker, only errors that say the request was not processed are safe to repeat.
            safe = token is not None or kind.lost_create in ("repeat", "match") or not outcome_unknown(error)
            return is_transient(error) and safe

        try:
            return self._call(attempt, deadline, f"create the {kind.noun}", retryable)
        except ApiError as error:
            if kind.absent_hint and isinstance(error.__cause__, NotFoundError):
                raise ApiError(f"{error} {kind.absent_hint}") from error.__cause__
            if kind.busy_hint and any(words in str(error) for words in _BUSY):
                raise ApiError(f"{error} {kind.busy_hint}") from error.__cause__
            if token is None and kind.lost_create == "find" and error.__cause__ is not None \
                    and outcome_unknown(error.__cause__):
                raise ApiError(
                    f"{error} It was not sent again: the {kind.noun} may exist after all, and with all 16 "
                    f"metadata keys taken it could not be told apart from others; check for a stray one."
                ) from error.__cause__
            raise

    def get(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any] | None:
        """The API object now, or ``None`` if it (or its thread) no longer exists."""
        scope = self._kind.scope_of(inputs)
        return self._call.unless_gone(
            lambda timeout: api_dict(self._collection.retrieve(object_id, **scope, timeout=timeout)),
            Deadline(TRANSIENT_RETRY_CEILING), f"retrieve {self._what(object_id, scope)}",
        )

    def update(self, object_id: str, inputs: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        """Send the modify call with ``body``; returns the API object as changed."""
        scope = self._kind.scope_of(inputs)
        return self._call(
            lambda timeout: api_dict(self._collection.update(object_id, **scope, **body, timeout=timeout)),
            Deadline(TRANSIENT_RETRY_CEILING), f"update {self._what(object_id, scope)}",
        )

    def delete(self, object_id: str, inputs: Mapping[str, Any]) -> None:
        """Delete the object; one that is already gone (404) is no error."""
        scope = self._kind.scope_of(inputs)
        self._call.unless_gone(lambda timeout: self._collection.delete(object_id, **scope, timeout=timeout),
                               Deadline(TRANSIENT_RETRY_CEILING), f"delete {self._what(object_id, scope)}")

    # --- plumbing --------------------------------------------------------------------------------

    def _find(self, scope: Mapping[str, Any], token: str, deadline: Deadline) -> dict[str, Any] | None:
        """The object a lost create made, found by its marker among the latest ones."""
        page = self._call(
            lambda timeout: self._collection.list(**scope, limit=LOOKUP_PAGE_SIZE, order="desc", timeout=timeout),
            deadline, f"list {self._kind.noun}s",
        )
        for item in page.data:
            data = api_dict(item)
            if (data.get("metadata") or {}).get(CREATE_TOKEN_KEY) == token:
                return data
        return None

    def _newest(self, scope: Mapping[str, Any], deadline: Deadline) -> str | None:
        """The id of the newest object in the list before a create, to tell what the create added."""
        page = self._call(
            lambda timeout: self._collection.list(**scope, limit=1, order="desc", timeout=timeout),
            deadline, f"list the {self._kind.noun}s{self._where(scope)} before adding one",
        )
        return next((str(api_dict(item)["id"]) for item in page.data), None)

    def _match(self, scope: Mapping[str, Any], newest: str | None, body: Mapping[str, Any],
               deadline: Deadline) -> dict[str, Any] | None:
        """The object a lost create made: the oldest one after ``newest`` that matches ``body``."""
        matches = self._kind.matches
        assert matches is not None
        after = {} if newest is None else {"after": newest}
        page = self._call(
            lambda timeout: self._collection.list(**scope, **after, limit=LOOKUP_PAGE_SIZE, order="asc",
                                                  timeout=timeout),
            deadline, f"list {self._kind.noun}s{self._where(scope)}",
        )
        return next((data for item in page.data if matches(body, data := api_dict(item))), None)

    @staticmethod
    def _where(scope: Mapping[str, Any]) -> str:
        return "".join(f" on {name.removesuffix('_id')} {value}" for name, value in scope.items())

    def _what(self, object_id: str, scope: Mapping[str, Any]) -> str:
        return f"{self._kind.noun} {object_id}{self._where(scope)}"
