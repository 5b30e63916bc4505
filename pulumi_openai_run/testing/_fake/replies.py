"""What an endpoint answers (a JSON body or a stream of events) and the shape of a route.

Endpoint modules (:mod:`.endpoints`) import these; :class:`~.api.Api` routes to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Query = Mapping[str, Sequence[str]]

ID = r"[^/]+"
"""The pattern of one id in a route."""


@dataclass(frozen=True)
class JsonReply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StreamReply:
    """Answer with the object's stream events from index ``start`` on, as ``text/event-stream``."""

    run_id: str
    start: int


Reply = JsonReply | StreamReply
Handler = Callable[[dict[str, str], Query, Any], Reply]
Route = tuple[str, str, Handler]
"""``(method, path pattern without /v1, handler)``."""


def body_of(body: Any) -> dict[str, Any]:
    """A request body, ``{}`` when there is none."""
    return {} if body is None else body


def include_values(query: Query) -> list[str]:
    """The ``include`` query values (``include[]=a&include[]=b`` or ``include=a``)."""
    return [*query.get("include[]", ()), *query.get("include", ())]


def poll_headers(poll_after_ms: int | None) -> dict[str, str]:
    """The ``openai-poll-after-ms`` header a retrieve answers with, when the fake is told to send one."""
    return {} if poll_after_ms is None else {"openai-poll-after-ms": str(poll_after_ms)}
