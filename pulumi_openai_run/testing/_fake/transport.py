"""The fake in-process: an ``httpx2.MockTransport`` serving the same routes without a server.

``httpx2`` is imported only when a transport is made, so importing the package stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from .app import App, Dropped, IncomingRequest

if TYPE_CHECKING:
    import httpx2


def _read_timeout(request: httpx2.Request) -> float | None:
    timeout: Any = request.extensions.get("timeout")
    if isinstance(timeout, dict):
        read = timeout.get("read")
        return float(read) if read is not None else None
    return None


def make_transport(app: App) -> httpx2.MockTransport:
    """A transport for ``httpx2.Client(transport=...)``; faults map to httpx2's own errors.

    ``reset`` raises ``httpx2.ConnectError``, ``lose_response`` raises ``httpx2.ReadError`` after the
    request was processed, and a ``delay`` longer than the request's read timeout raises
    ``httpx2.ReadTimeout`` once that timeout has passed (the request is still processed when the
    delay ends, as the server would).
    """
    import httpx2

    def handler(request: httpx2.Request) -> httpx2.Response:
        incoming = IncomingRequest(
            method=request.method,
            path=request.url.path,
            query=parse_qs(request.url.query.decode("ascii"), keep_blank_values=True),
            headers={name.lower(): value for name, value in request.headers.items()},
            body=request.content,
        )
        result = app.handle(incoming, read_timeout=_read_timeout(request))
        if isinstance(result, Dropped):
            if result.reason == "reset":
                raise httpx2.ConnectError("[fake] connection reset by peer", request=request)
            if result.reason == "timeout":
                raise httpx2.ReadTimeout("[fake] read timed out", request=request)
            raise httpx2.ReadError("[fake] connection closed without a response", request=request)
        if result.stream is not None:
            return httpx2.Response(result.status, headers=result.headers, content=result.stream, request=request)
        return httpx2.Response(result.status, headers=result.headers, content=result.body, request=request)

    return httpx2.MockTransport(handler)
