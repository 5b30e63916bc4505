"""``RunProvider``: the dynamic provider behind ``Run``. It orchestrates; the work is elsewhere.

* check and diff derive from the field table (``run_fields``) and make no API request;
* create, read, update and delete hand the lifecycle (``lifecycle``) a backend for the run's API
  (``backends.backend_for``);
* the OpenAI client is built lazily from what ``configure()`` stored and is never pickled.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from . import lifecycle, schema
from .backend import RunBackend
from .base_provider import FieldTableProvider, ProviderError
from .run_fields import RUN_FIELDS

__all__ = ["ProviderError", "RunProvider"]

_RUN_ID = schema.an_id("run_")
_THREAD_ID = schema.an_id("thread_")


class RunProvider(FieldTableProvider):
    """Creates, waits for, refreshes and cancels OpenAI assistant runs."""

    FIELDS = RUN_FIELDS

    def _delete_before_replace(self, found: schema.Diff) -> bool:
        # One active run per thread: a replacement on the same thread must cancel the old run first.
        return bool(found.replaces) and "thread_id" not in found.replaces

    # --- the API ------------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._inputs(props)
        outputs = self._guarded(lambda: lifecycle.create(self._backend(inputs), inputs))
        run_id = outputs.pop("id")
        return CreateResult(run_id, {**inputs, **outputs})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = self._inputs(props)
        if not inputs.get("thread_id"):
            raise ProviderError(
                f"Cannot read run {id_}: its thread_id is unknown. Import a run with "
                f"Run.get(name, '{id_}', thread_id='thread_...')."
            )
        _check_ids(id_, inputs)
        found = self._guarded(lambda: lifecycle.read(self._backend(inputs), id_, props, inputs))
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
                lambda: lifecycle.update_metadata(self._backend(inputs), id_, olds, inputs)
            ))
        return UpdateResult({**inputs, **outputs})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        inputs = self._inputs(props)
        if inputs.get("thread_id"):
            _check_ids(id_, inputs)
            self._guarded(lambda: lifecycle.stop(self._backend(inputs), inputs, id_))

    def _backend(self, inputs: dict[str, Any]) -> RunBackend:
        from .backends import backend_for

        return backend_for(inputs, self._client(), self._request_timeout)


def _check_ids(run_id: str, inputs: dict[str, Any]) -> None:
    """Ids go into URL paths: refuse any that is not a plain token before a request is made."""
    for name, value, problem in (("id", run_id, _RUN_ID(run_id)),
                                 ("thread_id", inputs.get("thread_id"), _THREAD_ID(inputs.get("thread_id")))):
        if problem:
            raise ProviderError(f"The run's {name} {value!r} {problem}")
