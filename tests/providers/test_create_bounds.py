"""How long a create keeps trying, on both APIs (issue 12, point 8): without a completion_window, transient
errors of the create are retried for TRANSIENT_RETRY_CEILING (120 s, as README says of a single call), not
for the busy-thread bound; with one, within the window. Fake time: the provider's waits move the fake's clock."""

from __future__ import annotations

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._core import waiting
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, Fault
from tests.apis import ApiCase


def test_a_persistent_500_on_a_create_without_a_window_gives_up_after_the_retry_ceiling(
        fake: FakeOpenAI, provider: RunProvider, api: ApiCase, api_ids: dict[str, str],
        fake_clock: FakeApiClock) -> None:
    path = api.create_path(api_ids["thread_id"])
    fake.inject(Fault(method="POST", path=path, kind="status", status=500, times=100_000))
    start = fake.now()
    with pytest.raises(ProviderError, match="HTTP 500"):
        provider.create({**api_ids, "api": api.name})
    waited = fake.now() - start
    # the last backoff is up to 20 s, so the last try is within the final 20 s before the ceiling
    assert waiting.TRANSIENT_RETRY_CEILING - 20.0 <= waited <= waiting.TRANSIENT_RETRY_CEILING + 1e-6
    assert api.runs_on(fake, api_ids["thread_id"]) == []  # a refused request made nothing
    assert fake.count("POST", path) < 40  # and was not hammered


def test_a_persistent_500_on_a_create_with_a_window_gives_up_within_it(
        fake: FakeOpenAI, provider: RunProvider, api: ApiCase, api_ids: dict[str, str],
        fake_clock: FakeApiClock) -> None:
    fake.inject(Fault(method="POST", path=api.create_path(api_ids["thread_id"]), kind="status", status=500,
                      times=100_000))
    start = fake.now()
    with pytest.raises(ProviderError, match="HTTP 500"):
        provider.create({**api_ids, "api": api.name, "completion_window": 45.0})
    assert fake.now() - start <= 45.0 + 1e-6
    assert api.runs_on(fake, api_ids["thread_id"]) == []
