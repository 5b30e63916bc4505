"""The API error raised by the fake's model and its OpenAI-shaped JSON body."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the fake answers with ``{"error": {"message", "type", "param", "code"}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code

    def body(self) -> dict[str, Any]:
        return error_body(self.message, type=self.type, param=self.param, code=self.code)


def error_body(
    message: str, *, type: str = "invalid_request_error", param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def not_found(kind: str, object_id: str) -> ApiError:
    """404 as the real service words it: ``No run found with id 'run_x'.``"""
    return ApiError(404, f"No {kind} found with id '{object_id}'.")


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def status_fault_error(status: int, message: str | None = None) -> ApiError:
    """The error body a ``Fault(kind="status")`` answers with (``message``, when given, as its message)."""
    if message is not None:
        return ApiError(status, message)
    if status == 429:
        return ApiError(
            429,
            "Rate limit reached for requests. Please try again later.",
            type="requests",
            code="rate_limit_exceeded",
        )
    if status == 401:
        return ApiError(401, "Incorrect API key provided.", code="invalid_api_key")
    if status == 503:
        return ApiError(503, "The server is overloaded or not ready yet.", type="server_error")
    if status >= 500:
        return ApiError(
            status,
            "The server had an error while processing your request. Sorry about that!",
            type="server_error",
        )
    return ApiError(status, f"The fake was told to fail this request with status {status}.")
