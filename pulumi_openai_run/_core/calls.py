"""One API call, made safely: which errors are worth repeating, how long to wait, and the error a
user sees when it still fails. Every backend and object API calls through here (it imports openai)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import openai

from pulumi_openai_run._core.errors import ApiError
from pulumi_openai_run._core.waiting import TRANSIENT_RETRY_CEILING, Deadline, with_retries

T = TypeVar("T")


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


def call(action: Callable[[], T], deadline: Deadline, what: str,
         retryable: Callable[[BaseException], bool] = is_transient,
         ceiling: float | None = TRANSIENT_RETRY_CEILING) -> T:
    """``action()``, repeated on ``retryable`` errors within ``deadline`` (and ``ceiling`` seconds);
    any API error that remains becomes an :class:`ApiError` saying what could not be done."""
    bound = deadline.capped(ceiling) if ceiling is not None else deadline
    try:
        return with_retries(action, bound, retryable, retry_after)
    except openai.APIStatusError as error:
        raise api_error(what, error) from error
    except openai.APIConnectionError as error:
        raise connection_error(what, error) from error


def api_error(what: str, error: openai.APIStatusError) -> ApiError:
    body = error.body if isinstance(error.body, Mapping) else {}
    message = body.get("message") or error.message
    return ApiError(f"Could not {what}: {message} (HTTP {error.status_code}).")


def connection_error(what: str, error: openai.APIConnectionError) -> ApiError:
    return ApiError(f"Could not {what}: {error.message} The API did not answer in time, or at all, "
                    "although the request was retried; check openai:baseUrl and the network.")
