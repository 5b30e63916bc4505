"""What the Run lifecycle needs from an OpenAI API, and the records that pass between them.

Each API is a package under ``_apis/`` that declares an :class:`Api` (its traits, pure) and builds a
:class:`RunBackend` (its calls) on demand; ``_apis/__init__.py`` chooses one. The lifecycle
(``_runs/lifecycle.py``) and the provider (``_runs/provider.py``) never know which API runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pulumi_openai_run._core.waiting import Deadline
from pulumi_openai_run.schema import CREATE_TOKEN_KEY, Failure

if TYPE_CHECKING:
    from openai import OpenAI

    from pulumi_openai_run._runs.fields import RunInputs
    from pulumi_openai_run._runs.identity import CreateMarker
    from pulumi_openai_run._runs.journal import Entry


@dataclass(frozen=True)
class RunRef:
    """Where a run is: its id, and the thread (or conversation) it is on."""

    run_id: str
    thread_id: str | None
    """``None`` only on an API whose runs can be reached by their id alone (``Api.run_stands_alone``)."""


@dataclass(frozen=True)
class RunDetails:
    """What a finished run did, read after it ended: the outputs beyond the run object itself."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    file_ids: list[str] = field(default_factory=list)
    reply: str = ""
    message_ids: list[str] = field(default_factory=list)

    def outputs(self) -> dict[str, Any]:
        return {"steps": self.steps, "file_ids": self.file_ids, "reply": self.reply,
                "message_ids": self.message_ids}

    @classmethod
    def in_state(cls, props: Mapping[str, Any]) -> RunDetails | None:
        """The details already in ``props`` (prior state), or ``None`` if they were never read."""
        steps = props.get("steps")
        if not isinstance(steps, list):
            return None
        return cls(steps=steps, file_ids=list(props.get("file_ids") or []), reply=str(props.get("reply") or ""),
                   message_ids=list(props.get("message_ids") or []))


@dataclass(frozen=True)
class RunView:
    """A run as the backend last saw it, already mapped to the Run's output names."""

    id: str
    status: str
    outputs: dict[str, Any]
    """status, created_at, started_at, completed_at, object, usage, last_error, ..."""
    server_values: dict[str, Any] = field(default_factory=dict)
    """The Run's inputs as the server holds them (ids, user metadata), for refresh and import."""
    poll_after: float | None = None
    """The server's hint, in seconds, for when to look again."""
    messages: list[dict[str, Any]] | None = field(default=None, repr=False)
    """The messages the run created, when the backend already has them (from a stream)."""
    pending_functions: list[str] = field(default_factory=list)
    """For requires_action: the functions the run is waiting for."""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    """The API object as the backend received it."""

    @property
    def marker(self) -> str | None:
        """The create marker in the run's metadata, if it carries one."""
        metadata = self.raw.get("metadata")
        token = metadata.get(CREATE_TOKEN_KEY) if isinstance(metadata, Mapping) else None
        return token if isinstance(token, str) else None


class Create:
    """One create as the lifecycle hands it to a backend: the inputs, the marker to put in the run's
    metadata (see ``_runs/identity.py``), and what to call the moment the API names the run."""

    def __init__(self, inputs: RunInputs, marker: CreateMarker, window: float | None = None,
                 on_named: Callable[[str], None] = lambda run_id: None) -> None:
        self.inputs = inputs
        self.marker = marker
        self.window = window
        """The completion_window, or ``None``: transient errors of the create are retried within the window,
        or for ``TRANSIENT_RETRY_CEILING`` without one (a busy thread is waited for either way)."""
        self.on_named = on_named
        self.unsure = False
        """Set by the backend when a create request's outcome was unknown (lost answer, timeout, 5xx), so
        that a late-processed request may still make a second run: the lifecycle looks once more."""


@dataclass(frozen=True)
class Earlier:
    """The runs that earlier attempts at a create made, which no state records."""

    mine: list[RunView] = field(default_factory=list)
    """Runs carrying this create's very marker (same resource, same step, same inputs), newest first."""
    strays: list[RunView] = field(default_factory=list)
    """Runs of the same create step made with other inputs (the program changed since)."""


class RunBackend(Protocol):
    """One API's calls for a Run. Every method honours ``deadline`` (each request's timeout included)."""

    api: Api
    """The API it calls: its words (run or response, thread or conversation) and how to stop a run by hand."""
    active: frozenset[str]
    """Statuses in which the run still runs (and bills)."""
    succeeded: frozenset[str]
    """Statuses of a run that ended well (its details are read)."""

    def earlier(self, create: Create, known: Sequence[Entry], deadline: Deadline) -> Earlier:
        """The runs earlier attempts at ``create`` made (its marker's step), as far as the API can tell, and
        those of ``known`` (the journal's entries) that still exist and carry the step's marker."""

    def start(self, create: Create, deadline: Deadline) -> RunView:
        """Create the run, exactly once even when responses are lost; wait for a busy thread."""

    def follow(self, create: Create, deadline: Deadline) -> RunView:
        """Create the run with an event stream and follow it until it is terminal, the stream ends (and,
        where the API can, will not resume) or the deadline passes; returns the last view (terminal or not),
        which the lifecycle polls from."""

    def get(self, ref: RunRef, deadline: Deadline) -> RunView | None:
        """The run now, or ``None`` if it (or its thread) no longer exists."""

    def cancel(self, ref: RunRef, deadline: Deadline) -> RunView | None:
        """Ask the server to cancel; returns the run as the server answered (``None``: gone)."""

    def details(self, ref: RunRef, view: RunView, deadline: Deadline) -> RunDetails:
        """What a terminal run did: steps, file_ids, reply and message_ids."""

    def set_metadata(self, ref: RunRef, metadata: Mapping[str, str], deadline: Deadline) -> RunView:
        """Replace the run's metadata in place (only asked where ``Api.metadata_in_place``)."""

    def delete_stored(self, ref: RunRef, deadline: Deadline) -> None:
        """On destroy, after the run stopped: delete what the API stores of it (a response), if anything;
        one that is already gone is no error."""


@dataclass(frozen=True)
class Api:
    """One OpenAI API a Run can run on: what check and diff need to know (pure), and its backend."""

    name: str
    """The ``api`` input's value for it."""
    title: str
    thread_prefix: str
    assistant_prefix: str
    """The prefix of its assistants' ids, or ``""`` where they have none to go by (agents)."""
    run_prefix: str
    run_noun: str
    """``a run``, ``a response``: what the API calls a run."""
    thread_noun: str
    assistant_noun: str
    stop_by_hand: str
    """The request that cancels a run, for a user to send when the provider could not: a template of
    ``{run_id}`` and ``{thread_id}``."""
    metadata_in_place: bool
    """Whether a metadata change updates the run in place (else it replaces the run)."""
    finished: frozenset[str]
    """Statuses in which a run no longer holds its thread, so a replacement need not stop it first."""
    run_stands_alone: bool
    """Whether a run can be reached by its id alone, without its thread."""
    input_problems: Callable[[Mapping[str, Any]], Sequence[Failure]]
    """Inputs this API refuses although the field table allows them (known values only)."""
    backend_class: str
    """Where the backend is, ``module:Class``; imported only when a run is created, read or deleted (it
    imports ``openai``), so that check and diff stay light."""

    @property
    def run_word(self) -> str:
        return self.run_noun.split(" ", 1)[-1]

    @property
    def thread_word(self) -> str:
        return self.thread_noun.split(" ", 1)[-1]

    def how_to_stop(self, run_id: str, thread_id: str | None) -> str:
        return self.stop_by_hand.format(run_id=run_id, thread_id=thread_id or "<thread_id>")

    def backend(self, client: OpenAI) -> RunBackend:
        module, _, name = self.backend_class.partition(":")
        backend: Callable[[OpenAI], RunBackend] = getattr(importlib.import_module(module), name)
        return backend(client)
