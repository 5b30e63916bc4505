"""``RunProvider``: the dynamic provider behind ``Run``. It orchestrates; the work is elsewhere.

* check and diff derive from the field table (``_runs/fields.py``) and make no API request; what differs
  between the APIs (which ids fit, what each refuses, whether metadata changes in place) comes from the
  run's :class:`~pulumi_openai_run._runs.backend.Api`, chosen by ``_apis.api_for``;
* create, read, update and delete hand the lifecycle (``_runs/lifecycle.py``) that API's backend;
* the OpenAI client is built lazily from what ``configure()`` stored and is never pickled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_openai_run import schema
from pulumi_openai_run._apis import APIS, CONFIG_KEY, api_for, default_api, mismatches, retired_ids
from pulumi_openai_run._core.provider import FieldTableProvider, ProviderError
from pulumi_openai_run._runs import lifecycle
from pulumi_openai_run._runs.backend import Api, RunBackend, RunDetails, RunRef, RunView
from pulumi_openai_run._runs.fields import RUN_FIELDS, RunInputs, Waiting
from pulumi_openai_run._runs.identity import GENERATION_KEY, HIDDEN_KEYS, hidden_inputs, marker_for, next_generation

__all__ = ["ProviderError", "RunProvider"]


class RunProvider(FieldTableProvider):
    """Creates, waits for, refreshes and cancels OpenAI assistant runs."""

    FIELDS = RUN_FIELDS
    HIDDEN = HIDDEN_KEYS

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The field table's check; the checked inputs also carry the create's generation (see
        ``_runs/identity.py``), derived from the prior inputs ``olds``."""
        result = super().check(olds, news)
        result.inputs[GENERATION_KEY] = next_generation(olds)
        return result

    def _check_more(self, news: dict[str, Any]) -> list[schema.Failure]:
        """Retired ids, ids of one API with another's (or with ``api``), inputs the run's API refuses, and
        a way of waiting that would not wait."""
        api = self._api(news)
        return [*retired_ids(news), *mismatches(news), *api.input_problems(news), *Waiting.problems(news)]

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """The field table's diff, adjusted for the run's API (known from the inputs alone):

        * ``api`` spelt out (or dropped) for the API the ids already chose is no change;
        * where the API cannot change metadata in place, a metadata change replaces the run;
        * a replacement on the same thread or conversation stops the old run first (one active run per
          thread), unless the old run is known to be finished on an API where that frees it; so does one
          forced with ``--replace``, where nothing changed.
        """
        found = schema.diff(RUN_FIELDS, olds, news)
        changed, replaces = list(found.changed), list(found.replaces)
        old_api, new_api = self._api(olds, id_), self._api(news)
        if "api" in changed and old_api == new_api and not schema.is_unknown(news.get("api")):
            changed.remove("api")
            replaces.remove("api")
        if "metadata" in changed and not new_api.metadata_in_place and "metadata" not in replaces:
            replaces.append("metadata")
        # said even when nothing replaces: a replacement the user forces (`--replace`) reads it too
        delete_first = "thread_id" not in replaces and olds.get("status") not in new_api.finished
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=delete_first)

    # --- the API ------------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._run_inputs(props)
        marker = marker_for(RUN_FIELDS, props)
        api = self._api(inputs)
        view, details = self._guarded(lambda: lifecycle.create(api.backend(self._client()), inputs, marker, api.name))
        return CreateResult(view.id, _state(props, inputs, view, details))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = self._run_inputs(props)
        api = self._api(inputs, id_)
        if not inputs.get("thread_id") and not api.run_stands_alone:
            alone = " ".join(f"(on {other.title} a run, {other.run_prefix}..., needs no {other.thread_noun[2:]})"
                             for other in APIS.values() if other.run_stands_alone)
            raise ProviderError(
                f"Cannot read run {schema.shown(id_)}: its thread_id is unknown. Import a run with "
                f"Run.get(name, {schema.shown(id_)}, thread_id='{api.thread_prefix}...') {alone}".rstrip() + "."
            )
        ref = _ref(id_, inputs, api)
        found = self._guarded(lambda: lifecycle.read(self._backend(inputs, id_), ref, props))
        if found is None:
            return ReadResult("", {})
        view, details = found
        server_inputs = cast(RunInputs, schema.refreshed_inputs(RUN_FIELDS, inputs, view.server_values))
        return ReadResult(id_, _state(props, server_inputs, view, details), {**server_inputs, **hidden_inputs(props)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self._run_inputs(news)
        ref = _ref(id_, inputs, self._api(inputs, id_))
        outputs = self._outputs(olds)
        if "metadata" in schema.diff(RUN_FIELDS, olds, news).changed:
            view, details = self._guarded(lambda: lifecycle.update_metadata(
                self._backend(inputs, id_), ref, olds, inputs.get("metadata") or {}
            ))
            outputs.update({**view.outputs, **details.outputs()})
        return UpdateResult({**hidden_inputs(news), **inputs, **outputs})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Stop the run if it still runs; where the API stores runs (responses), delete it too."""
        inputs = self._run_inputs(props)
        api = self._api(inputs, id_)
        if not inputs.get("thread_id") and not api.run_stands_alone:
            return
        ref = _ref(id_, inputs, api)
        self._guarded(lambda: lifecycle.destroy(self._backend(inputs, id_), ref))

    def _run_inputs(self, props: dict[str, Any]) -> RunInputs:
        return cast(RunInputs, self._inputs(props))

    def _api(self, inputs: Mapping[str, Any], run_id: str | None = None) -> Api:
        """The run's API: its ``api`` input, else its ids, else stack config ``openai:api``."""
        default = self._guarded(lambda: default_api(self._config.get(CONFIG_KEY)))
        return api_for(inputs, run_id, default)

    def _backend(self, inputs: RunInputs, run_id: str | None = None) -> RunBackend:
        return self._api(inputs, run_id).backend(self._client())


def _state(props: Mapping[str, Any], inputs: RunInputs, view: RunView, details: RunDetails) -> dict[str, Any]:
    """What state records: the inputs as given (the hidden ones too), the run's outputs and what it did."""
    return {**hidden_inputs(props), **inputs, **view.outputs, **details.outputs()}


def _ref(run_id: str, inputs: RunInputs, api: Api) -> RunRef:
    """The run's reference. Ids go into URL paths: refuse any that is not a plain token before a request.

    Any plain token passes: which API an id belongs to is the choice of ``api_for``, not a safety question."""
    thread_id = inputs.get("thread_id")
    checks = [("id", run_id, schema.an_id(api.run_prefix)(run_id))]
    if thread_id is not None:
        checks.append(("thread_id", thread_id, schema.an_id(api.thread_prefix)(thread_id)))
    for name, value, problem in checks:
        if problem:
            raise ProviderError(f"The run's {name} {schema.shown(value)} {problem}")
    return RunRef(run_id, thread_id)
