"""The request pipeline shared by the HTTP server and the in-process transport.

record -> fault -> authenticate -> route -> reply (JSON, or an SSE byte stream).
"""

from __future__ import annotations

import hmac
import json
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .api import Api
from .errors import ApiError, error_body, status_fault_error
from .faults import Fault, FaultBook
from .ids import new_id
from .recording import RecordedRequest, RequestLog
from .replies import JsonReply
from .shapes import ShapeError, conform
from .sse import run_event_stream
from .state import FakeState

API_PREFIX = "/v1"


@dataclass(frozen=True)
class IncomingRequest:
    method: str
    path: str  # as received, normally with the /v1 prefix
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    stream: Iterator[bytes] | None = None  # set for text/event-stream answers


@dataclass(frozen=True)
class Dropped:
    """No response: the adapter closes the connection (or raises the matching transport error)."""

    reason: Literal["reset", "lose_response", "timeout"]


class _Unparsable:
    """Marker for a request body that is not JSON."""


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    payload = json.dumps(body).encode()
    all_headers = {
        "content-type": "application/json",
        "x-request-id": new_id("request"),
        "openai-version": "2020-10-01",
        "openai-processing-ms": "1",
        **(headers or {}),
    }
    return Response(status, all_headers, payload)


def _error_response(error: ApiError, headers: dict[str, str] | None = None) -> Response:
    return _json_response(error.status, error.body(), headers)


def _cut(stream: Iterator[bytes], events: int) -> Iterator[bytes]:
    """The first ``events`` events of an SSE stream, then its end, as a dropped connection shows it (the
    stream's own end, e.g. the fake stopping, may come first). Each chunk of the stream is one event."""
    if events == 0:
        return
    for sent, chunk in enumerate(stream, start=1):
        yield chunk
        if sent == events:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
            return


class App:
    def __init__(self, state: FakeState, api: Api, faults: FaultBook, log: RequestLog, api_key: str) -> None:
        self.state = state
        self.api = api
        self.faults = faults
        self.log = log
        self._expected_auth = f"Bearer {api_key}"
        self._late_lock = threading.Lock()
        self._late: list[tuple[float, IncomingRequest, str, Any]] = []
        """``late`` requests waiting for their time on the manual clock."""

    def handle(self, request: IncomingRequest, read_timeout: float | None = None) -> Response | Dropped:
        """Answer one request. ``read_timeout`` (in-process transport only) lets a delay fault time out."""
        path = request.path[len(API_PREFIX) :] if request.path.startswith(API_PREFIX + "/") else request.path
        body = self._parse(request.body)
        self._process_late()
        fault = self.faults.take(request.method, path)
        self.log.append(
            RecordedRequest(
                method=request.method.upper(),
                path=path,
                query={name: list(values) for name, values in request.query.items()},
                json=request.body.decode("utf-8", "replace") if isinstance(body, _Unparsable) else body,
                headers=dict(request.headers),
                fault=fault.kind if fault is not None else None,
            )
        )
        if fault is not None:
            early = self._apply_fault(fault, request, path, body, read_timeout)
            if early is not None:
                return early
        response = self._process(request, path, body)
        if fault is not None and fault.kind == "lose_response":
            return Dropped("lose_response")
        if fault is not None and fault.kind == "drop_stream" and response.stream is not None:
            response.stream = _cut(response.stream, fault.after_events)
        return response

    def _apply_fault(
        self, fault: Fault, request: IncomingRequest, path: str, body: Any, read_timeout: float | None
    ) -> Response | Dropped | None:
        if fault.kind == "status":
            headers: dict[str, str] = {}
            if fault.retry_after is not None:
                headers["retry-after"] = f"{fault.retry_after:g}"
            if fault.retry_after_ms is not None:
                headers["retry-after-ms"] = str(fault.retry_after_ms)
            return _error_response(status_fault_error(fault.status, fault.message), headers)
        if fault.kind == "reset":
            return Dropped("reset")
        if fault.kind == "late":
            if self.state.clock.manual:
                with self._late_lock:
                    self._late.append((self.state.clock.now() + fault.delay, request, path, body))
            else:
                timer = threading.Timer(fault.delay, self._process, args=(request, path, body))
                timer.daemon = True
                timer.start()
            return Dropped("lose_response")
        if fault.kind == "delay":
            if read_timeout is not None and fault.delay > read_timeout:
                # The client gives up first; the server still processes the request when the delay ends.
                time.sleep(read_timeout)
                timer = threading.Timer(fault.delay - read_timeout, self._process, args=(request, path, body))
                timer.daemon = True
                timer.start()
                return Dropped("timeout")
            time.sleep(fault.delay)
        return None

    def _process_late(self) -> None:
        """Process the ``late`` requests that are due on the manual clock, oldest first."""
        with self._late_lock:
            now = self.state.clock.now()
            due = [late for late in self._late if late[0] <= now]
            self._late = [late for late in self._late if late[0] > now]
        for _, request, path, body in sorted(due, key=lambda late: late[0]):
            self._process(request, path, body)

    @staticmethod
    def _parse(raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return _Unparsable()

    def _authorised(self, request: IncomingRequest) -> bool:
        presented = request.headers.get("authorization", "")
        return hmac.compare_digest(presented.encode(), self._expected_auth.encode())

    def _process(self, request: IncomingRequest, path: str, body: Any) -> Response:
        if not self._authorised(request):
            # Never echo the presented key, not even in part.
            message = (
                "You didn't provide an API key. You need to provide your API key in an Authorization header "
                "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                if "authorization" not in request.headers
                else "Incorrect API key provided. You can find your API key at "
                "https://platform.openai.com/account/api-keys."
            )
            return _json_response(401, error_body(message, code="invalid_api_key"))
        if isinstance(body, _Unparsable):
            return _json_response(
                400,
                error_body(
                    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                    "using your HTTP library correctly. The OpenAI API expects a JSON payload.)"
                ),
            )
        try:
            reply = self.api.dispatch(request.method, path, request.query, body, request.headers)
        except ApiError as error:
            return _error_response(error)
        except Exception as error:  # a bug in the fake: answer like the service would, and say why
            traceback.print_exc()
            return _json_response(500, error_body(f"The fake failed: {error!r}", type="server_error"))
        if isinstance(reply, JsonReply):
            try:
                body = conform(reply.body)
            except ShapeError as error:
                traceback.print_exc()
                return _json_response(500, error_body(f"The fake failed: {error}", type="server_error"))
            return _json_response(reply.status, body, reply.headers)
        return Response(
            200,
            {
                "content-type": "text/event-stream; charset=utf-8",
                "cache-control": "no-cache",
                "x-request-id": new_id("request"),
                "openai-version": "2020-10-01",
            },
            stream=run_event_stream(self.state, reply.run_id, reply.start),
        )
