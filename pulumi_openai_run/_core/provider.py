"""What every provider of this package shares: config from ``configure()``, a lazily built client,
check/diff derived from a field table, masked errors, and a pickle that carries nothing.

A resource's provider subclasses :class:`FieldTableProvider`, sets ``FIELDS`` and writes its
create/read/update/delete with ``self._client()`` and ``self._guarded(...)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, DiffResult, ResourceProvider

from pulumi_openai_run import schema
from pulumi_openai_run._core import interrupt
from pulumi_openai_run._core.client import (
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

if TYPE_CHECKING:
    from openai import OpenAI

PROVIDER_KEY = "__provider"
CONFIG_KEYS = (*(pair[0] for pair in (API_KEY, BASE_URL, ORGANIZATION, PROJECT, REQUEST_TIMEOUT,
                                      ALLOW_INSECURE_HTTP)), "openai:api")
"""The stack config a provider keeps from ``configure()`` (``openai:api``: see ``_apis.default_api``)."""
T = TypeVar("T")


class ProviderError(Exception):
    """An error on its way to the user, with any secret masked."""


class FieldTableProvider(ResourceProvider):
    """A dynamic provider whose check and diff derive from ``FIELDS``.

    The instance carries no state when pickled into the stack (``__provider``): the stack config it
    receives in ``configure()`` lives only in the dynamic-provider server's memory, and the blob is
    the same from one program run to the next.
    """

    FIELDS: ClassVar[tuple[schema.Field, ...]] = ()
    HIDDEN: ClassVar[tuple[str, ...]] = ()
    """Inputs kept in state that are not the user's (``__``-prefixed: Pulumi does not display them)."""
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._reset()

    def _reset(self) -> None:
        self._config: dict[str, Any] = {}
        self._settings: ClientSettings | None = None
        self._client_cache: OpenAI | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._reset()

    def configure(self, req: ConfigureRequest) -> None:
        self._config = {key: req.config.get(key) for key in CONFIG_KEYS}
        interrupt.install_in_server()  # in the dynamic-provider server: Ctrl-C reaches the waits (once)

    # --- preview: no API requests --------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        given = {k: v for k, v in news.items() if v is not None}
        failures = schema.check(self.FIELDS, given, ignore={PROVIDER_KEY, *self.HIDDEN})
        failures += self._check_more(given)
        return CheckResult(given, [CheckFailure(f.property, f.reason) for f in failures])

    def _check_more(self, news: dict[str, Any]) -> list[schema.Failure]:
        """Rules across fields, for subclasses."""
        return []

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        found = schema.diff(self.FIELDS, olds, news)
        return DiffResult(changes=found.has_changes, replaces=found.replaces,
                          delete_before_replace=self._delete_before_replace(found))

    def _delete_before_replace(self, found: schema.Diff) -> bool:
        return False

    # --- plumbing ------------------------------------------------------------------------------

    def _inputs(self, props: dict[str, Any]) -> dict[str, Any]:
        return schema.echo_inputs(self.FIELDS, props)

    def _outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        names = {f.name for f in schema.outputs_of(self.FIELDS)}
        return {k: v for k, v in props.items() if k in names}

    def _client(self) -> OpenAI:
        """The OpenAI client, built on first use from the stored config and the environment."""
        with self._lock:
            if self._client_cache is None:
                from pulumi_openai_run._core.client import build_client

                self._settings = settings_from(self._config.get)
                self._client_cache = build_client(self._settings)
            return self._client_cache

    def _guarded(self, action: Callable[[], T]) -> T:
        """Run ``action``; any error leaves with its message only, the API key masked."""
        try:
            return action()
        except Exception as error:
            key = self._settings.api_key if self._settings else None
            raise ProviderError(redact(str(error), key)) from None
