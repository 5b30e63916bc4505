"""``RunProvider``: the dynamic provider behind ``Run``. It orchestrates; the work is elsewhere.

* check and diff derive from the field table (``run_fields``) and make no API request; what differs
  between the APIs (which ids fit, whether metadata changes in place) comes from ``backends``;
* create, read, update and delete hand the lifecycle (``lifecycle``) a backend for the run's API
  (``backends.backend_for``);
* the OpenAI client is built lazily from what ``configure()`` stored and is never pickled.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_openai_run import _apis as backends
from pulumi_openai_run import schema
from pulumi_openai_run._apis.responses.mapping import input_problems
from pulumi_openai_run._core.provider import FieldTableProvider, ProviderError
from pulumi_openai_run._core.waiting import TRANSIENT_RETRY_CEILING, Deadline
from pulumi_openai_run._runs import lifecycle
from pulumi_openai_run._runs.backend import DeletesStoredRuns, RunBackend
from pulumi_openai_run._runs.fields import RUN_FIELDS

__all__ = ["ProviderError", "RunProvider"]

_RUN_ID = schema.an_id("run_")
_THREAD_ID = schema.an_id("thread_")


class RunProvider(FieldTableProvider):
    """Creates, waits for, refreshes and cancels OpenAI assistant runs."""

    FIELDS = RUN_FIELDS

    def _check_more(self, news: dict[str, Any]) -> list[schema.Failure]:
        """Ids of one API with the other's (or with ``api``), and inputs only one API takes."""
        failures = backends.mismatches(news)
        if backends.api_for(news) == backends.RESPONSES:
            known = {k: v for k, v in news.items() if not schema.is_unknown(v)}
            failures += [schema.Failure(name, reason) for name, reason in input_problems(known)]
        return failures

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """The field table's diff, adjusted for the run's API (known from the inputs alone):

        * ``api`` spelt out (or dropped) for the API the ids already chose is no change;
        * on the Responses API a metadata change replaces the run (a response is immutable);
        * a replacement on the same thread or conversation stops the old run first (one active run per
          thread), unless the old run is known to be finished on an API where that frees it.
        """
        found = schema.diff(RUN_FIELDS, olds, news)
        changed, replaces = list(found.changed), list(found.replaces)
        old_api, new_api = backends.api_for(olds, id_), backends.api_for(news)
        if "api" in changed and old_api == new_api and not schema.is_unknown(news.get("api")):
            changed.remove("api")
            replaces.remove("api")
        traits = backends.TRAITS[new_api]
        if "metadata" in changed and not traits.metadata_in_place and "metadata" not in replaces:
            replaces.append("metadata")
        delete_first = bool(replaces) and "thread_id" not in replaces and olds.get("status") not in traits.finished
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=delete_first)

    # --- the API ------------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._inputs(props)
        outputs = self._guarded(lambda: lifecycle.create(self._backend(inputs), inputs))
        run_id = outputs.pop("id")
        return CreateResult(run_id, {**inputs, **outputs})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = self._inputs(props)
        if not inputs.get("thread_id") and not _stands_alone(id_, inputs):
            raise ProviderError(
                f"Cannot read run {id_}: its thread_id is unknown. Import a run with "
                f"Run.get(name, '{id_}', thread_id='thread_...') (a response, resp_..., needs no thread)."
            )
        _check_ids(id_, inputs)
        found = self._guarded(lambda: lifecycle.read(self._backend(inputs, id_), id_, props, inputs))
        if found is None:
            return ReadResult("", {})
        outputs, server_inputs = found
        outputs.pop("id")
        return ReadResult(id_, {**server_inputs, **outputs}, server_inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self._inputs(news)
        _check_ids(id_, inputs)
        outputs = self._outputs(olds)
        if "metadata" in schema.diff(RUN_FIELDS, olds, news).changed:
            outputs.update(self._guarded(
                lambda: lifecycle.update_metadata(self._backend(inputs, id_), id_, olds, inputs)
            ))
        return UpdateResult({**inputs, **outputs})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Stop the run if it still runs; where the API stores runs (responses), delete it too."""
        inputs = self._inputs(props)
        if not inputs.get("thread_id") and not _stands_alone(id_, inputs):
            return
        _check_ids(id_, inputs)

        def destroy() -> None:
            backend = self._backend(inputs, id_)
            lifecycle.stop(backend, inputs, id_)
            if isinstance(backend, DeletesStoredRuns):
                backend.delete_stored(inputs, id_, Deadline(TRANSIENT_RETRY_CEILING))

        self._guarded(destroy)

    def _backend(self, inputs: dict[str, Any], run_id: str | None = None) -> RunBackend:
        return backends.backend_for(inputs, self._client(), self._request_timeout, run_id)


def _stands_alone(run_id: str, inputs: dict[str, Any]) -> bool:
    """Whether the run can be reached by its id alone (a response can; a run needs its thread)."""
    return backends.api_for(inputs, run_id) == backends.RESPONSES


def _check_ids(run_id: str, inputs: dict[str, Any]) -> None:
    """Ids go into URL paths: refuse any that is not a plain token before a request is made.

    Any plain token passes (``run_...``, ``resp_...``; ``thread_...``, ``conv_...``): which API it
    belongs to is the backend's choice, not a safety question."""
    checks = [("id", run_id, _RUN_ID(run_id))]
    if inputs.get("thread_id") is not None:
        checks.append(("thread_id", inputs["thread_id"], _THREAD_ID(inputs["thread_id"])))
    for name, value, problem in checks:
        if problem:
            raise ProviderError(f"The run's {name} {value!r} {problem}")
