"""Which OpenAI API runs a given Run: the one place that chooses.

Each API is a package here that declares an :class:`~pulumi_openai_run._runs.backend.Api` (pure traits)
and builds its backend (calls + mapping) on demand:

* ``assistants``: Assistants v2 (``asst_`` assistant, ``thread_`` thread, ``run_`` run);
* ``responses``: Responses + Conversations, its successor (an agent, whose ids have no prefix to go by,
  ``conv_`` conversation, ``resp_`` response).

A new API is a new package and one line in :data:`APIS`. The choice comes from the ``api`` input when
given, else from the ids, else Assistants. Nothing here imports ``openai``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_openai_run._apis.assistants import ASSISTANTS
from pulumi_openai_run._apis.responses import RESPONSES
from pulumi_openai_run._core.client import ConfigError
from pulumi_openai_run._runs.backend import Api
from pulumi_openai_run.schema import Failure, Field, is_unknown, one_of, shown

APIS: dict[str, Api] = {api.name: api for api in (ASSISTANTS, RESPONSES)}
"""Every API a resource can be on, by its ``api`` input."""
DEFAULT = RESPONSES
"""The API of a resource that neither its ``api`` input, its ids nor stack config ``openai:api`` place."""
CONFIG_KEY = "openai:api"
"""Stack config that sets the API of the resources that neither their ``api`` input nor their ids place."""


def api_field(noun: str) -> Field:
    """The ``api`` input every resource has."""
    names = " or ".join(f"'{name}'" for name in APIS)
    return Field(
        "api",
        f"The API the {noun} is on: {names}. Absent: what its ids say, else stack config {CONFIG_KEY}, else "
        f"'{DEFAULT.name}'.",
        validate=one_of(*APIS),
    )


def default_api(configured: Any) -> Api:
    """The API for resources that neither ``api`` nor their ids place: ``configured`` (the stack config
    ``openai:api``) when given, else :data:`DEFAULT`. Raises :class:`ConfigError` for a value that is no API."""
    if configured is None or configured == "":
        return DEFAULT
    if isinstance(configured, str) and configured in APIS:
        return APIS[configured]
    allowed = ", ".join(repr(name) for name in APIS)
    raise ConfigError(f"{CONFIG_KEY} must be one of {allowed}, got {shown(configured)}: set it with "
                      f"`pulumi config set {CONFIG_KEY} {DEFAULT.name}`, or remove it.")


def choose(explicit: Any, probes: Iterable[tuple[Any, str]], default: Api = DEFAULT) -> Api:
    """The API of a resource: ``explicit`` (its ``api`` input) if given, else the first id in ``probes``
    (``(value, "thread_prefix")``, ...) whose shape names an API, else ``default``."""
    if isinstance(explicit, str) and explicit in APIS:
        return APIS[explicit]
    decided = api_by_ids(probes)
    return decided[0] if decided is not None else default


def api_by_ids(probes: Iterable[tuple[Any, str]]) -> tuple[Api, str] | None:
    """The API the first id in ``probes`` names by its shape, with that id; ``None`` if none does."""
    for value, prefix_of in probes:
        found = _api_of(value, prefix_of)
        if found is not None:
            return found, str(value)
    return None


def _api_of(value: Any, prefix_of: str) -> Api | None:
    """The API whose ids look like ``value`` (``prefix_of`` names the kind of id), if any."""
    if not isinstance(value, str) or is_unknown(value):
        return None
    return next((api for api in APIS.values() if (prefix := getattr(api, prefix_of)) and value.startswith(prefix)),
                None)


def api_for(inputs: Mapping[str, Any], run_id: str | None = None, default: Api = DEFAULT) -> Api:
    """The API that runs this Run: ``api`` if given, else what the thread, assistant or run id says,
    else ``default`` (from :func:`default_api`)."""
    probes = [(inputs.get("thread_id"), "thread_prefix"), (inputs.get("assistant_id"), "assistant_prefix"),
              (run_id, "run_prefix")]
    return choose(inputs.get("api"), probes, default)


def mismatches(inputs: Mapping[str, Any]) -> list[Failure]:
    """Ids that belong to another API than the Run's: one failure per field, saying what fits."""
    given = inputs.get("api")
    explicit = APIS[given] if isinstance(given, str) and given in APIS else None
    thread_api = _api_of(inputs.get("thread_id"), "thread_prefix")
    wanted = explicit or thread_api
    if wanted is None:
        return []
    if explicit:
        why = f"api is '{explicit.name}'"
    else:
        why = f"thread_id {shown(inputs['thread_id'])} is {wanted.thread_noun} of {wanted.title}"
    failures: list[Failure] = []
    if explicit and thread_api not in (None, explicit):
        other = thread_api
        assert other is not None
        failures.append(Failure("thread_id", (
            f"'thread_id' {shown(inputs['thread_id'])} is {other.thread_noun} of {other.title}, but {why}: "
            f"use {wanted.thread_noun} id ('{wanted.thread_prefix}...') or set api to '{other.name}'."
        )))
    assistant_api = _api_of(inputs.get("assistant_id"), "assistant_prefix")
    if assistant_api not in (None, wanted):
        assert assistant_api is not None
        shape = f" ('{wanted.assistant_prefix}...')" if wanted.assistant_prefix else ""
        failures.append(Failure("assistant_id", (
            f"'assistant_id' {shown(inputs['assistant_id'])} is {assistant_api.assistant_noun} of "
            f"{assistant_api.title}, but {why}: use {wanted.assistant_noun}'s id{shape} on {wanted.title}."
        )))
    return failures


RETIRED_PROMPT_PREFIX = "pmpt_"
"""Stored prompts' ids: prompt objects (``v1/prompts``, ``prompt`` of ``responses.create``) were shut down."""
PROMPTS_SHUT_DOWN = "2026-11-30"


def retired_ids(inputs: Mapping[str, Any]) -> list[Failure]:
    """An ``assistant_id`` of a stored prompt, which no API runs any more, with how to migrate."""
    assistant_id = inputs.get("assistant_id")
    if not isinstance(assistant_id, str) or not assistant_id.startswith(RETIRED_PROMPT_PREFIX):
        return []
    return [Failure("assistant_id", (
        f"'assistant_id' {shown(assistant_id)} is a stored prompt, and OpenAI shut prompt objects down on "
        f"{PROMPTS_SHUT_DOWN}: no API runs them any more. Migrate to an Assistant (on the Responses API, an "
        "agent: Assistant(..., model=..., instructions=..., tools=...)) and give its id, or leave assistant_id "
        "out and give the Run model and instructions instead."
    ))]
