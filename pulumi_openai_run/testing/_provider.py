"""Glue between the fake and the provider: the provider's clock, a configured provider, quiet warnings.

The provider's waits read time from one module attribute (``clock``: ``monotonic()`` and ``sleep()``);
:func:`_provider_clock_home` is the only place that names that module.
"""

from __future__ import annotations

import importlib
import warnings
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

if TYPE_CHECKING:
    import pytest
    from pulumi.dynamic import ResourceProvider

    from pulumi_openai_run import RunProvider

    from ._fake.fake import FakeOpenAI

P = TypeVar("P", bound="ResourceProvider")


class ProviderClock(Protocol):
    """What the provider's waits need of a clock."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


def _provider_clock_home() -> ModuleType:
    """The provider's module whose ``clock`` attribute its waits use."""
    return importlib.import_module("pulumi_openai_run._core.waiting")


def patch_provider_clock(monkeypatch: pytest.MonkeyPatch, clock: ProviderClock) -> None:
    """Make the provider's waits (polls, back-offs, deadlines) use ``clock`` until ``monkeypatch`` undoes it."""
    monkeypatch.setattr(_provider_clock_home(), "clock", clock)


class FakeApiClock:
    """The provider's clock tied to the fake's manual clock: every wait moves the fake's time.

    ``monotonic()`` is the fake's ``now()``; ``sleep(s)`` records ``s`` in :attr:`sleeps` and calls
    ``fake.advance(s)``, so a provider waiting for a run sees the run progress, instantly.  Install it with
    :func:`patch_provider_clock` (the ``openai_fake_clock`` fixture does).
    """

    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.fake.now()

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.fake.advance(seconds)


@overload
def configured_provider(fake: FakeOpenAI, provider_class: None = None, **config: Any) -> RunProvider: ...


@overload
def configured_provider(fake: FakeOpenAI, provider_class: type[P], **config: Any) -> P: ...


def configured_provider(fake: FakeOpenAI, provider_class: type[ResourceProvider] | None = None,
                        **config: Any) -> ResourceProvider:
    """A provider (default :class:`~pulumi_openai_run.RunProvider`) configured for ``fake`` over HTTP.

    ``config`` adds or overrides stack config by its full key, e.g.
    ``configured_provider(fake, **{"openai:requestTimeout": "0.2"})``.
    """
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    if provider_class is None:
        from pulumi_openai_run import RunProvider as default_class

        provider_class = default_class
    provider = provider_class()
    values = {"openai:apiKey": fake.api_key, "openai:baseUrl": fake.base_url, **config}
    provider.configure(ConfigureRequest(Config(values, "test")))
    return provider


def ignore_assistants_deprecation() -> None:
    """Silence openai-python's deprecation warnings for the Assistants API: the provider's own calls (as the
    provider does when it is imported; pytest resets filters for each test) and yours, in a test that calls
    the fake with the client directly.

    Adds to the current warning filters: wrap in ``warnings.catch_warnings()`` to undo.
    """
    from pulumi_openai_run._core.calls import silence_api_deprecations

    silence_api_deprecations()
    warnings.filterwarnings("ignore", message="The Assistants API is deprecated", category=DeprecationWarning)
