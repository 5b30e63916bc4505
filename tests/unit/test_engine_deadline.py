"""The engine harness's deadlines against the provider's own bounds (issue 12: a 60 s RPC deadline gave up on
a Read that the provider may retry for 120 s). Constructing a ProviderServer starts nothing."""

from __future__ import annotations

from pulumi_openai_run._core.waiting import TRANSIENT_RETRY_CEILING
from pulumi_openai_run.testing import ProviderServer


def test_an_rpc_without_a_timeout_outlasts_the_providers_retry_bound() -> None:
    server = ProviderServer({})
    assert server.rpc_timeout > TRANSIENT_RETRY_CEILING + 10  # with a margin for the last request and gRPC


def test_an_explicit_rpc_timeout_is_kept() -> None:
    assert ProviderServer({}, rpc_timeout=5.0).rpc_timeout == 5.0
