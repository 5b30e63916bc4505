"""``RunProvider``: the dynamic provider behind ``Run``. It orchestrates; the work is elsewhere.

* check and diff derive from the field table (``run_fields``) and make no API request;
* create, read, update and delete hand the lifecycle (``lifecycle``) a backend for the run's API;
* the OpenAI client is built lazily from what ``configure()`` stored and is never pickled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import lifecycle, schema
from .client import (
    ALLOW_INSECURE_HTTP,
    API_KEY,
    BASE_URL,
    ORGANIZATION,
    PROJECT,
    REQUEST_TIMEOUT,
    ClientSettings,
    redact,
    settings_from,
)
from .run_fields import RUN_FIELDS

if TYPE_CHECKING:
    from .backend import RunBackend

PROVIDER_KEY = "__provider"
CONFIG_KEYS = tuple(pair[0] for pair in (API_KEY, BASE_URL, ORGANIZATION, PROJECT, REQUEST_TIMEOUT,
                                           ALLOW_INSECURE_HTTP))
OUTPUT_NAMES = frozenset(f.name for f in schema.outputs_of(RUN_FIELDS))
_RUN_ID = schema.an_id("run_")
_THREAD_ID = schema.an_id("thread_")


class ProviderError(Exception):
    """An error on its way to the user, with any secret masked."""


class RunProvider(ResourceProvider):
    """Creates, waits for, refreshes and cancels OpenAI assistant runs.

    The instance carries no state when pickled into the stack (``__provider``): the stack config it
    receives in ``configure()`` lives only in the dynamic-provider server's memory.
    """

    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._reset()

    def _reset(self) -> None:
        self._config: dict[str, Any] = {}
        self._settings: ClientSettings | None = None
        self._backend_cache: RunBackend | None = None
        self._lock = threading.Lock()

    # Nothing but the class travels in the pickle, so the key cannot, and the blob is the same
    # from one program run to the next.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._reset()

    def configure(self, req: ConfigureRequest) -> None:
        self._config = {key: req.config.get(key) for key in CONFIG_KEYS}

    # --- preview: no API requests --------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        given = {k: v for k, v in news.items() if v is not None}
        failures = schema.check(RUN_FIELDS, given, ignore={PROVIDER_KEY})
        return CheckResult(given, [CheckFailure(f.property, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        found = schema.diff(RUN_FIELDS, olds, news)
        return DiffResult(
            changes=found.has_changes,
            replaces=found.replaces,
            # One active run per thread: a replacement on the same thread must cancel the old run
            # before it can start.
            delete_before_replace=bool(found.replaces) and "thread_id" not in found.replaces,
        )

    # --- the API ------------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = schema.echo_inputs(RUN_FIELDS, props)
        outputs = self._guarded(lambda: lifecycle.create(self._backend(), inputs))
        run_id = outputs.pop("id")
        return CreateResult(run_id, {**inputs, **outputs})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = schema.echo_inputs(RUN_FIELDS, props)
        if not inputs.get("thread_id"):
            raise ProviderError(
                f"Cannot read run {id_}: its thread_id is unknown. Import a run with "
                f"Run.get(name, '{id_}', thread_id='thread_...')."
            )
        _check_ids(id_, inputs)
        found = self._guarded(lambda: lifecycle.read(self._backend(), id_, props, inputs))
        if found is None:
            return ReadResult("", {})
        outputs, server_inputs = found
        outputs.pop("id")
        return ReadResult(id_, {**server_inputs, **outputs}, server_inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = schema.echo_inputs(RUN_FIELDS, news)
        _check_ids(id_, inputs)
        outputs = {k: v for k, v in olds.items() if k in OUTPUT_NAMES}
        if "metadata" in schema.diff(RUN_FIELDS, olds, news).changed:
            outputs.update(self._guarded(
                lambda: lifecycle.update_metadata(self._backend(), id_, olds, inputs)
            ))
        return UpdateResult({**inputs, **outputs})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        inputs = schema.echo_inputs(RUN_FIELDS, props)
        if inputs.get("thread_id"):
            _check_ids(id_, inputs)
            self._guarded(lambda: lifecycle.stop(self._backend(), inputs, id_))

    # --- plumbing ------------------------------------------------------------------------------

    def _backend(self) -> RunBackend:
        with self._lock:
            if self._backend_cache is None:
                from .assistants_api import AssistantsBackend
                from .client import build_client

                settings = settings_from(self._config.get)
                self._settings = settings
                self._backend_cache = AssistantsBackend(build_client(settings), settings.request_timeout)
            return self._backend_cache

    def _guarded(self, action: Callable[[], Any]) -> Any:
        """Run ``action``; any error leaves with its message only, the API key masked."""
        try:
            return action()
        except Exception as error:
            key = self._settings.api_key if self._settings else None
            message = redact(str(error), key)
            raise ProviderError(message) from None


def _check_ids(run_id: str, inputs: dict[str, Any]) -> None:
    """Ids go into URL paths: refuse any that is not a plain token before a request is made."""
    for name, value, problem in (("id", run_id, _RUN_ID(run_id)),
                                 ("thread_id", inputs.get("thread_id"), _THREAD_ID(inputs.get("thread_id")))):
        if problem:
            raise ProviderError(f"The run's {name} {value!r} {problem}")
