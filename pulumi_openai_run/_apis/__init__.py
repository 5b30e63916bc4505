"""Which API backend runs a given Run, and what that choice means for check and diff.

Two backends sit behind :class:`~.backend.RunBackend`:

* ``assistants``: Assistants v2 (``asst_`` assistant, ``thread_`` thread, ``run_`` run);
* ``responses``: Responses + Conversations, its successor (``pmpt_`` stored prompt, ``conv_``
  conversation, ``resp_`` response).

The choice comes from the ``api`` input when given, else from the ids. This module is the only
place that decides; it is pure (no ``openai`` import) until :func:`backend_for` builds a backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pulumi_openai_run._runs.backend import RunBackend
from pulumi_openai_run.schema import Failure, is_unknown

if TYPE_CHECKING:
    from openai import OpenAI

ASSISTANTS = "assistants"
RESPONSES = "responses"
APIS = (ASSISTANTS, RESPONSES)


@dataclass(frozen=True)
class ApiTraits:
    """What check and diff need to know about an API, without importing its backend."""

    name: str
    title: str
    thread_prefix: str
    assistant_prefix: str
    run_prefix: str
    thread_noun: str
    assistant_noun: str
    metadata_in_place: bool
    """Whether a metadata change updates the run in place (else it replaces the run)."""
    finished: frozenset[str]
    """Statuses in which the run no longer holds its thread (a replacement need not stop it first)."""


TRAITS: dict[str, ApiTraits] = {
    ASSISTANTS: ApiTraits(
        ASSISTANTS, "the Assistants API", "thread_", "asst_", "run_", "a thread", "an assistant",
        metadata_in_place=True,
        finished=frozenset(),  # unchanged behaviour: a replacement on the same thread always stops first
    ),
    RESPONSES: ApiTraits(
        RESPONSES, "the Responses API", "conv_", "pmpt_", "resp_", "a conversation", "a stored prompt",
        metadata_in_place=False,  # a response is immutable
        finished=frozenset({"completed", "incomplete", "failed", "cancelled"}),
    ),
}


def _api_of(value: Any, prefix_of: str) -> str | None:
    """The API whose ids look like ``value`` (``prefix_of`` names the kind of id), if any."""
    if not isinstance(value, str) or is_unknown(value):
        return None
    for traits in TRAITS.values():
        if value.startswith(getattr(traits, prefix_of)):
            return traits.name
    return None


def api_for(inputs: Mapping[str, Any], run_id: str | None = None) -> str:
    """The API that runs this Run: ``api`` if given, else what the thread, assistant or run id says,
    else Assistants (ids of another shape, e.g. from a compatible server, keep today's behaviour)."""
    explicit = inputs.get("api")
    if explicit in APIS:
        return str(explicit)
    return (
        _api_of(inputs.get("thread_id"), "thread_prefix")
        or _api_of(inputs.get("assistant_id"), "assistant_prefix")
        or _api_of(run_id, "run_prefix")
        or ASSISTANTS
    )


def mismatches(inputs: Mapping[str, Any]) -> list[Failure]:
    """Ids that belong to another API than the Run's: one failure per field, saying what fits."""
    explicit = inputs.get("api") if inputs.get("api") in APIS else None
    thread_api = _api_of(inputs.get("thread_id"), "thread_prefix")
    chosen = explicit or thread_api
    if chosen is None:
        return []
    wanted = TRAITS[chosen]
    if explicit:
        why = f"api is '{explicit}'"
    else:
        why = f"thread_id {inputs['thread_id']!r} is {wanted.thread_noun} of {wanted.title}"
    failures: list[Failure] = []
    if explicit and thread_api not in (None, explicit):
        other = TRAITS[str(thread_api)]
        failures.append(Failure("thread_id", (
            f"'thread_id' {inputs['thread_id']!r} is {other.thread_noun} of {other.title}, but {why}: "
            f"use {wanted.thread_noun} id ('{wanted.thread_prefix}...') or set api to '{other.name}'."
        )))
    assistant_api = _api_of(inputs.get("assistant_id"), "assistant_prefix")
    if assistant_api not in (None, chosen):
        other = TRAITS[str(assistant_api)]
        failures.append(Failure("assistant_id", (
            f"'assistant_id' {inputs['assistant_id']!r} is {other.assistant_noun} of {other.title}, but {why}: "
            f"use {wanted.assistant_noun} id ('{wanted.assistant_prefix}...') on {wanted.title}."
        )))
    return failures


def backend_for(inputs: Mapping[str, Any], client: OpenAI, request_timeout: float,
                run_id: str | None = None) -> RunBackend:
    if api_for(inputs, run_id) == RESPONSES:
        from pulumi_openai_run._apis.responses.backend import ResponsesBackend

        return ResponsesBackend(client, request_timeout)
    from pulumi_openai_run._apis.assistants.backend import AssistantsBackend

    return AssistantsBackend(client, request_timeout)
