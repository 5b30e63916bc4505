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

from pulumi_openai_run.schema import shown

if TYPE_CHECKING:
    from openai import OpenAI

DEFAULT_REQUEST_TIMEOUT = 60.0
MAX_REQUEST_TIMEOUT = 3_600.0
"""An hour: no single request needs longer (a waiting run is polled; each request's timeout is cut to what
is left of its deadline anyway)."""

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

    def lookup(pair: tuple[str, str], *, secret: bool = False, header: bool = False) -> str | None:
        """The setting, surrounding whitespace stripped (a key pasted with its newline works); refused with
        a ConfigError naming where it came from when a character is left that cannot be sent."""
        key, env = pair
        value, source = config(key), key
        if value is None or str(value).strip() == "":
            value, source = environ.get(env), f"the {env} environment variable"
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip()
        problem = _header_problem(text) if header else _text_problem(text)
        if problem and secret:
            raise ConfigError(
                f"The OpenAI API key in {source} has {problem}; {_ALLOWED_HEADER} Set it again without it, e.g. "
                f"`pulumi config set --secret {key} <key>` (the key is not shown here)."
            )
        if problem:
            origin = "" if source == key else f" (from {source})"
            raise ConfigError(f"{key}{origin} {shown(text)} has {problem}; "
                              f"{_ALLOWED_HEADER if header else _ALLOWED_TEXT}")
        return text

    api_key = lookup(API_KEY, secret=True, header=True)
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
        if not 0 < timeout <= MAX_REQUEST_TIMEOUT:  # also refuses nan and inf
            raise ValueError
    except ValueError:
        raise ConfigError(
            f"openai:requestTimeout must be a number of seconds above 0 and at most {MAX_REQUEST_TIMEOUT:g}, "
            f"got {shown(timeout_text or '')}."
        ) from None
    return ClientSettings(
        api_key=api_key,
        base_url=base_url,
        organization=lookup(ORGANIZATION, header=True),
        project=lookup(PROJECT, header=True),
        request_timeout=timeout,
    )


_ALLOWED_HEADER = ("it is sent as an HTTP header, which takes printable ASCII only: letters, digits and "
                   "punctuation, no spaces, control characters or non-ASCII characters.")
_ALLOWED_TEXT = "it may have no spaces or control characters."


def _header_problem(text: str) -> str | None:
    """What keeps ``text`` from being an HTTP header value of an id or a key (printable ASCII, no spaces),
    saying where but never quoting it."""
    for index, char in enumerate(text):
        if not "!" <= char <= "~":
            return f"{_kind_of_char(char)} at character {index + 1} of {len(text)}"
    return None


def _text_problem(text: str) -> str | None:
    for index, char in enumerate(text):
        if char.isspace() or not char.isprintable():
            return f"{_kind_of_char(char)} at character {index + 1} of {len(text)}"
    return None


def _kind_of_char(char: str) -> str:
    if char == " ":
        return "a space"
    if char.isspace():
        return "a whitespace character"
    if not char.isprintable():
        return "a control character"
    return "a non-ASCII character"


def check_base_url(base_url: str, allow_insecure_http: bool) -> None:
    """Refuse a base URL that would send the key in clear text to another machine."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"openai:baseUrl must be an http(s) URL like https://api.openai.com/v1, got {shown(base_url)}."
        )
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback(parts.hostname):
        raise ConfigError(
            f"openai:baseUrl {shown(base_url)} is plain http to {parts.hostname}, which would send the API key "
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
