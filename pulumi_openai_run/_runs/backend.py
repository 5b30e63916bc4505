"""What the Run lifecycle needs from an API backend.

``assistants_api.AssistantsBackend`` implements it for Assistants v2, ``responses_api.ResponsesBackend``
for Responses + Conversations; ``backends.backend_for`` picks one. The lifecycle (``lifecycle.py``) and
the resource never know which one runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pulumi_openai_run._core.waiting import Deadline

if TYPE_CHECKING:
    from openai import OpenAI


@dataclass(frozen=True)
class RunView:
    """A run as the backend last saw it, already mapped to the Run's output names."""

    id: str
    status: str
    outputs: dict[str, Any]
    """status, created_at, started_at, completed_at, object, usage, last_error, ..."""
    poll_after: float | None = None
    """The server's hint, in seconds, for when to look again."""
    messages: list[dict[str, Any]] | None = field(default=None, repr=False)
    """The messages the run created, when the backend already has them (from a stream)."""
    pending_functions: list[str] = field(default_factory=list)
    """For requires_action: the functions the run is waiting for."""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    """The API object as the backend received it."""


class RunBackend(Protocol):
    active: frozenset[str]
    """Statuses in which the run still runs (and bills)."""
    succeeded: frozenset[str]
    failed: frozenset[str]

    def start(self, inputs: Mapping[str, Any], deadline: Deadline) -> RunView:
        """Create the run, exactly once even when responses are lost; wait for a busy thread."""

    def follow(self, inputs: Mapping[str, Any], deadline: Deadline) -> RunView:
        """Create the run with an event stream and follow it until it is terminal, the stream ends
        or the deadline passes; returns the last view (terminal or not)."""

    def get(self, inputs: Mapping[str, Any], run_id: str, deadline: Deadline) -> RunView | None:
        """The run now, or ``None`` if it (or its thread) no longer exists."""

    def cancel(self, inputs: Mapping[str, Any], run_id: str, deadline: Deadline) -> RunView | None:
        """Ask the server to cancel; returns the run as the server answered (``None``: gone)."""

    def details(
        self, inputs: Mapping[str, Any], view: RunView, deadline: Deadline
    ) -> dict[str, Any]:
        """steps, file_ids, reply and message_ids of a terminal run."""

    def set_metadata(
        self, inputs: Mapping[str, Any], run_id: str, metadata: Mapping[str, str], deadline: Deadline
    ) -> RunView:
        """Replace the run's metadata in place."""

    def server_inputs(self, inputs: Mapping[str, Any], view: RunView) -> dict[str, Any]:
        """``inputs`` brought in line with what the server holds (for refresh and import)."""


@runtime_checkable
class DeletesStoredRuns(Protocol):
    """A backend whose API keeps a stopped run as a stored object that destroy removes (the Responses
    API stores responses; an Assistants run has no delete and stays with its thread)."""

    def delete_stored(self, inputs: Mapping[str, Any], run_id: str, deadline: Deadline) -> None:
        """Delete the stopped run's stored object; one that is already gone is no error."""


class ClientBackend:
    """What both backends keep: the client, and the timeout one request may take."""

    def __init__(self, client: OpenAI, request_timeout: float) -> None:
        self._client = client
        self._request_timeout = request_timeout

    def _api(self, deadline: Deadline) -> OpenAI:
        """The client, its request timeout cut to what is left of ``deadline`` (but not below 1 s): a
        hung request must not carry a wait past the completion_window."""
        return self._client.with_options(timeout=min(self._request_timeout, max(1.0, deadline.remaining())))


def merged_inputs(inputs: Mapping[str, Any], server: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` brought in line with the server's view of them (``server``: the backend's echoed
    inputs, user metadata only): ids the inputs lack are filled in (an import), and the metadata is
    the server's, so a change made outside Pulumi shows as a diff on the next ``pulumi up``."""
    result = dict(inputs)
    for name, value in server.items():
        if name == "metadata" or result.get(name) is None:
            result[name] = value
    if not server.get("metadata"):
        result.pop("metadata", None)
    return result
