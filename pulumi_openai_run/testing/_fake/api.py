"""The fake's REST routes: every endpoint module's, matched in order (paths without ``/v1``).

Transport-agnostic: takes a parsed request, returns a :mod:`~.replies` reply. Raises
:class:`~.errors.ApiError` for every error answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .endpoints import agents, conversations, objects, responses, runs
from .errors import ApiError
from .replies import Query, Reply
from .state import FakeState


class Api:
    def __init__(self, state: FakeState, poll_after_ms: int | None = None) -> None:
        routes = [
            *objects.routes(state),
            *runs.routes(state, poll_after_ms),
            *responses.routes(state.conversations, poll_after_ms, lambda: state.closed),
            *conversations.routes(state.conversations),
            *agents.routes(state.agents),
        ]
        self._routes = [(method, re.compile(pattern), handler) for method, pattern, handler in routes]

    def dispatch(self, method: str, path: str, query: Query, body: Any,
                 headers: Mapping[str, str] | None = None) -> Reply:
        """Route ``method path`` (path without ``/v1``); ``headers`` (lower-case names) for the betas."""
        agents.check_beta(path, headers or {})
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match is not None and route_method == method.upper():
                return handler(match.groupdict(), query, body)
        raise ApiError(404, f"Invalid URL ({method.upper()} /v1{path})")
