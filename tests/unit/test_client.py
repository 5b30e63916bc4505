"""Configuration: stack config first, then the environment; refuse what would leak the key."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run._core.client import ConfigError, settings_from


def config(values: dict[str, Any]) -> Any:
    return values.get


def test_stack_config_wins_over_the_environment() -> None:
    settings = settings_from(
        config({"openai:apiKey": "sk-config", "openai:baseUrl": "https://proxy.example.com/v1",
                "openai:organization": "org-1", "openai:project": "proj-1"}),
        {"OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": "https://other.example.com/v1"},
    )
    assert (settings.api_key, settings.base_url, settings.organization, settings.project) == (
        "sk-config", "https://proxy.example.com/v1", "org-1", "proj-1")


def test_environment_fallbacks() -> None:
    settings = settings_from(config({}), {"OPENAI_API_KEY": "sk-env", "OPENAI_ORG_ID": "org-e",
                                          "OPENAI_PROJECT_ID": "proj-e", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert (settings.api_key, settings.organization, settings.project, settings.base_url) == (
        "sk-env", "org-e", "proj-e", "http://127.0.0.1:9/v1")


def test_missing_key_names_both_ways_to_set_it() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from(config({}), {})
    assert "openai:apiKey" in str(caught.value) and "OPENAI_API_KEY" in str(caught.value)


def test_the_key_is_not_in_the_settings_repr() -> None:
    settings = settings_from(config({"openai:apiKey": "sk-secret-value"}), {})
    assert "sk-secret-value" not in repr(settings)


@pytest.mark.parametrize("url", ["http://api.example.com/v1", "http://gateway.example.org:8080/v1"])
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="allowInsecureHttp"):
        settings_from(config({"openai:apiKey": "sk", "openai:baseUrl": url}), {})


def test_plain_http_is_allowed_when_asked_for_or_on_loopback() -> None:
    for url in ["http://localhost:8080/v1", "http://127.0.0.1:1/v1", "http://[::1]:1/v1"]:
        assert settings_from(config({"openai:apiKey": "sk", "openai:baseUrl": url}), {}).base_url == url
    allowed = config({"openai:apiKey": "sk", "openai:baseUrl": "http://gateway.example.com/v1",
                      "openai:allowInsecureHttp": "true"})
    assert settings_from(allowed, {}).base_url == "http://gateway.example.com/v1"


@pytest.mark.parametrize("url", ["ftp://x/v1", "api.openai.com/v1"])
def test_malformed_base_url(url: str) -> None:
    with pytest.raises(ConfigError, match="openai:baseUrl"):
        settings_from(config({"openai:apiKey": "sk", "openai:baseUrl": url}), {})


def test_bad_request_timeout() -> None:
    with pytest.raises(ConfigError, match="openai:requestTimeout"):
        settings_from(config({"openai:apiKey": "sk", "openai:requestTimeout": "soon"}), {})
