"""The OpenAI client, built from ``configure()``'s stack config and the environment.

The settings live only in the dynamic-provider server's memory: the provider is pickled before it is
configured and drops them from any later pickle, so the key never reaches the ``__provider`` blob.
``openai`` is imported here, lazily, the first time a client is needed.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from openai import OpenAI

DEFAULT_REQUEST_TIMEOUT = 60.0

# (config key, environment variable) for each setting, in the order they are looked up.
API_KEY = ("openai:apiKey", "OPENAI_API_KEY")
BASE_URL = ("openai:baseUrl", "OPENAI_BASE_URL")
ORGANIZATION = ("openai:organization", "OPENAI_ORG_ID")
PROJECT = ("openai:project", "OPENAI_PROJECT_ID")
REQUEST_TIMEOUT = ("openai:requestTimeout", "OPENAI_REQUEST_TIMEOUT")
ALLOW_INSECURE_HTTP = ("openai:allowInsecureHttp", "OPENAI_ALLOW_INSECURE_HTTP")


class ConfigError(ValueError):
    """Configuration that cannot work; the message names the config key and the fix."""


@dataclass(frozen=True)
class ClientSettings:
    api_key: str = field(repr=False)
    base_url: str | None = None
    organization: str | None = None
    project: str | None = None
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT


def settings_from(config: Callable[[str], Any], environ: Mapping[str, str] = os.environ) -> ClientSettings:
    """Read the settings from stack config (``config(key)``) with environment fallbacks.

    Raises :class:`ConfigError` naming the key and the environment variable to set.
    """

    def lookup(pair: tuple[str, str]) -> str | None:
        key, env = pair
        value = config(key)
        if value is None or value == "":
            value = environ.get(env)
        return None if value is None or value == "" else str(value)

    api_key = lookup(API_KEY)
    if api_key is None:
        raise ConfigError(
            "No OpenAI API key: set it with `pulumi config set --secret openai:apiKey <key>` "
            "or in the OPENAI_API_KEY environment variable."
        )
    base_url = lookup(BASE_URL)
    allow_http = (lookup(ALLOW_INSECURE_HTTP) or "false").lower() in ("1", "true", "yes")
    if base_url is not None:
        check_base_url(base_url, allow_http)
    timeout_text = lookup(REQUEST_TIMEOUT)
    try:
        timeout = float(timeout_text) if timeout_text is not None else DEFAULT_REQUEST_TIMEOUT
        if timeout <= 0:
            raise ValueError
    except ValueError:
        raise ConfigError(
            f"openai:requestTimeout must be a positive number of seconds, got {timeout_text!r}."
        ) from None
    return ClientSettings(
        api_key=api_key,
        base_url=base_url,
        organization=lookup(ORGANIZATION),
        project=lookup(PROJECT),
        request_timeout=timeout,
    )


def check_base_url(base_url: str, allow_insecure_http: bool) -> None:
    """Refuse a base URL that would send the key in clear text to another machine."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"openai:baseUrl must be an http(s) URL like https://api.openai.com/v1, got {base_url!r}."
        )
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback(parts.hostname):
        raise ConfigError(
            f"openai:baseUrl {base_url!r} is plain http to {parts.hostname}, which would send the API key "
            "in clear text. Use https, or set openai:allowInsecureHttp to true if you really mean it."
        )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def build_client(settings: ClientSettings) -> OpenAI:
    """A client that never retries on its own: our retries know which calls are safe to repeat."""
    from openai import OpenAI

    return OpenAI(
        api_key=settings.api_key,
        base_url=settings.base_url,
        organization=settings.organization,
        project=settings.project,
        timeout=settings.request_timeout,
        max_retries=0,
    )


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` masked."""
    if secret and len(secret) >= 4:
        return text.replace(secret, "[redacted]")
    return text
