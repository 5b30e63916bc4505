"""One API call, made safely: which errors are worth repeating, how long to wait, how long one request may
take, and the error a user sees when it still fails. Every API call of the package goes through
:func:`call` (this module imports openai)."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import openai

from pulumi_openai_run._core import interrupt
from pulumi_openai_run._core.client import DEFAULT_REQUEST_TIMEOUT
from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.waiting import TRANSIENT_RETRY_CEILING, Deadline, with_retries

T = TypeVar("T")

Request = Callable[[float], T]
"""One request, given the timeout (seconds) it may take: ``lambda timeout: client.x.create(..., timeout=timeout)``."""

MIN_REQUEST_TIMEOUT = 1.0
"""The least time one request is given, even when the deadline is nearer."""


def silence_api_deprecations() -> None:
    """openai marks the Assistants API's methods deprecated (a bare "deprecated", or "The Assistants API is
    deprecated ..."): those warnings are ours to silence, for our own calls only, not the user's to see."""
    # our calls, and openai's raw-response wrapper, which the warnings of with_raw_response calls name
    warnings.filterwarnings("ignore", message=r"(The Assistants API is deprecated|deprecated\Z)",
                            category=DeprecationWarning, module=r"(pulumi_openai_run\.|openai\._legacy_response\Z)")


silence_api_deprecations()


def is_transient(error: BaseException) -> bool:
    """Errors worth repeating the same request for: rate limits, server errors, lost connections."""
    if isinstance(error, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in (408, 409, 429) or error.status_code >= 500
    return False


def outcome_unknown(error: BaseException) -> bool:
    """Did the server perhaps process the request although we got no good answer?"""
    if isinstance(error, openai.APIConnectionError):
        return True
    return isinstance(error, openai.APIStatusError) and error.status_code >= 500


def retry_after(error: BaseException) -> float | None:
    """The server's Retry-After (``retry-after-ms`` or ``retry-after`` seconds), if any."""
    if not isinstance(error, openai.APIStatusError):
        return None
    headers = error.response.headers
    try:
        if headers.get("retry-after-ms") is not None:
            return float(headers["retry-after-ms"]) / 1000
        if headers.get("retry-after") is not None:
            return float(headers["retry-after"])
    except ValueError:
        return None
    return None


def call(request: Request[T], deadline: Deadline, what: str, cap: float,
         retryable: Callable[[BaseException], bool] = is_transient,
         ceiling: float | None = TRANSIENT_RETRY_CEILING) -> T:
    """``request(timeout)``, repeated on ``retryable`` errors within ``deadline`` (and ``ceiling`` seconds);
    any API error that remains becomes an :class:`ApiError` saying what could not be done.

    Each attempt's timeout is ``cap`` (the client's own, from ``openai:requestTimeout``) cut to what is left
    of ``deadline``, so that a hung request cannot carry a wait past the completion_window.
    """
    bound = deadline.capped(ceiling) if ceiling is not None else deadline

    def attempt() -> T:
        return request(min(cap, max(MIN_REQUEST_TIMEOUT, deadline.remaining())))

    try:
        return with_retries(attempt, bound, retryable, retry_after)
    except openai.APIStatusError as error:
        raise api_error(what, error) from error
    except openai.APIConnectionError as error:
        raise connection_error(what, error) from error


class Caller:
    """:func:`call` for one client: the cap of each request's timeout is the client's own (from
    ``openai:requestTimeout``), so it is handed over once, with the client."""

    def __init__(self, client: openai.OpenAI) -> None:
        self.client = client
        timeout = client.timeout  # seconds, or an httpx Timeout (whose read timeout bounds a request)
        seconds = timeout if isinstance(timeout, int | float) else getattr(timeout, "read", None)
        self._cap = float(seconds) if isinstance(seconds, int | float) else DEFAULT_REQUEST_TIMEOUT

    def __call__(self, request: Request[T], deadline: Deadline, what: str,
                 retryable: Callable[[BaseException], bool] = is_transient,
                 ceiling: float | None = TRANSIENT_RETRY_CEILING) -> T:
        return call(request, deadline, what, self._cap, retryable, ceiling)

    def unless_gone(self, request: Request[T], deadline: Deadline, what: str,
                    retryable: Callable[[BaseException], bool] = is_transient) -> T | None:
        """Like calling this, but ``None`` when the API answers 404: the object (or what holds it) is gone."""
        try:
            return self(request, deadline, what, retryable)
        except ApiError as error:
            if isinstance(error.__cause__, openai.NotFoundError):
                return None
            raise


def follow_events(stream: Any, deadline: Deadline, on_event: Callable[[Any], bool]) -> None:
    """Hand each event of ``stream`` to ``on_event`` until it says done (returns true), the deadline passes,
    the stream breaks or ``pulumi up`` is interrupted (the caller then polls from what it has, and its poll
    raises ``Interrupted``), and close the stream.

    An interruption cuts a read blocked on the stream: at once on a stream that follows a known run (a GET);
    on the stream of a create (a POST), once ``on_event`` saw its first event, which names the run the
    caller must then cancel (a stream cut before it, by a create that cannot look its run up, would leave
    that run running unknown; the API sends that event at once)."""
    try:
        with interrupt.watching(stream) as watch:
            if _request_method(stream) == "GET":
                watch.arm()
                if interrupt.interrupted():
                    return
            for event in stream:
                done = on_event(event)
                watch.arm()  # from now on an interruption cuts the stream; one that came before is seen below
                if done or deadline.expired() or interrupt.interrupted():
                    break
    except Exception:  # a broken (or cut) stream: the caller polls from here on
        pass
    finally:
        stream.close()


def _request_method(stream: Any) -> str | None:
    """The HTTP method of the request that opened ``stream`` (an openai ``Stream``), if it says."""
    try:
        return str(stream.response.request.method).upper()
    except Exception:  # not an httpx response with its request: treat it as a create's
        return None


def poll_after(headers: Mapping[str, str]) -> float | None:
    """The server's hint (``openai-poll-after-ms``), in seconds, for when to look at a run again."""
    hint = headers.get("openai-poll-after-ms")
    return float(hint) / 1000 if hint and hint.isdigit() else None


def describe(error: BaseException) -> str:
    """An error in a few words, for messages: ``HTTP 502``, ``APITimeoutError``."""
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}"
    return type(error).__name__


def api_error(what: str, error: openai.APIStatusError) -> ApiError:
    return ApiError(f"Could not {what}: {error_text(error)} (HTTP {error.status_code}).")


def error_text(error: openai.APIStatusError) -> str:
    """What the server said, in its own words, whichever way it says it: OpenAI's ``{"error": {"message"}}``
    (openai hands over the inner object as ``body``), a FastAPI server's ``{"detail": "..."}`` or
    ``{"detail": [{"loc": [...], "msg": ...}]}``, or a validation message that is a printed
    ``{'errors': [{'loc': [...], 'msg': ...}]}`` (OGX). Field errors read ``field: problem``."""
    fields = field_errors(error)
    if fields:
        return "; ".join(f"{field}: {problem}" if field else problem for field, problem in fields)
    body = error.body if isinstance(error.body, Mapping) else {}
    for key in ("message", "detail"):
        if isinstance(body.get(key), str) and body[key]:
            return str(body[key])
    return error.message


def field_errors(error: openai.APIStatusError) -> list[tuple[str, str]]:
    """The ``(field, problem)`` pairs of a validation error's body (FastAPI's ``detail`` list, or OGX's printed
    ``{'errors': [...]}`` message); the field is its path without ``body``, dotted (``input``, ``metadata.k``).
    Empty when the body has none."""
    body = error.body if isinstance(error.body, Mapping) else {}
    entries: Any = body.get("detail")
    message = body.get("message")
    if not isinstance(entries, list) and isinstance(message, str) and message.startswith("{'errors'"):
        try:
            entries = ast.literal_eval(message).get("errors")
        except (ValueError, SyntaxError, AttributeError):
            entries = None
    if not isinstance(entries, list):
        return []
    found = []
    for entry in entries:
        if isinstance(entry, Mapping) and isinstance(entry.get("msg"), str):
            loc = [str(part) for part in entry.get("loc") or () if part != "body"]
            found.append((".".join(loc), str(entry["msg"])))
    return found


def connection_error(what: str, error: openai.APIConnectionError) -> ApiError:
    return ApiError(f"Could not {what}: {error.message} The API did not answer in time, or at all, "
                    "although the request was retried; check openai:baseUrl and the network.")
