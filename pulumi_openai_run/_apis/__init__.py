"""Which OpenAI API runs a given Run: the one place that chooses.

Each API is a package here that declares an :class:`~pulumi_openai_run._runs.backend.Api` (pure traits)
and builds its backend (calls + mapping) on demand:

* ``assistants``: Assistants v2 (``asst_`` assistant, ``thread_`` thread, ``run_`` run);
* ``responses``: Responses + Conversations, its successor (``pmpt_`` stored prompt, ``conv_``
  conversation, ``resp_`` response).

A new API is a new package and one line in :data:`APIS`. The choice comes from the ``api`` input when
given, else from the ids, else Assistants. Nothing here imports ``openai``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_openai_run._apis.assistants import ASSISTANTS
from pulumi_openai_run._apis.responses import RESPONSES
from pulumi_openai_run._runs.backend import Api
from pulumi_openai_run.schema import Failure, is_unknown

APIS: dict[str, Api] = {api.name: api for api in (ASSISTANTS, RESPONSES)}
"""Every API a Run can run on, by its ``api`` input; the first is the default."""
DEFAULT = ASSISTANTS


def _api_of(value: Any, prefix_of: str) -> Api | None:
    """The API whose ids look like ``value`` (``prefix_of`` names the kind of id), if any."""
    if not isinstance(value, str) or is_unknown(value):
        return None
    return next((api for api in APIS.values() if value.startswith(getattr(api, prefix_of))), None)


def api_for(inputs: Mapping[str, Any], run_id: str | None = None) -> Api:
    """The API that runs this Run: ``api`` if given, else what the thread, assistant or run id says,
    else the default (ids of another shape, e.g. from a compatible server, run on Assistants)."""
    explicit = inputs.get("api")
    if isinstance(explicit, str) and explicit in APIS:
        return APIS[explicit]
    return (
        _api_of(inputs.get("thread_id"), "thread_prefix")
        or _api_of(inputs.get("assistant_id"), "assistant_prefix")
        or _api_of(run_id, "run_prefix")
        or DEFAULT
    )


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
        why = f"thread_id {inputs['thread_id']!r} is {wanted.thread_noun} of {wanted.title}"
    failures: list[Failure] = []
    if explicit and thread_api not in (None, explicit):
        other = thread_api
        assert other is not None
        failures.append(Failure("thread_id", (
            f"'thread_id' {inputs['thread_id']!r} is {other.thread_noun} of {other.title}, but {why}: "
            f"use {wanted.thread_noun} id ('{wanted.thread_prefix}...') or set api to '{other.name}'."
        )))
    assistant_api = _api_of(inputs.get("assistant_id"), "assistant_prefix")
    if assistant_api not in (None, wanted):
        assert assistant_api is not None
        failures.append(Failure("assistant_id", (
            f"'assistant_id' {inputs['assistant_id']!r} is {assistant_api.assistant_noun} of "
            f"{assistant_api.title}, but {why}: use {wanted.assistant_noun} id ('{wanted.assistant_prefix}...') "
            f"on {wanted.title}."
        )))
    return failures
