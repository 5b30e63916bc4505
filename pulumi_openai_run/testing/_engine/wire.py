"""The engine's wire format: property bags to and from protobuf ``Struct``, secrets, unknowns, URNs.

Mirrors the engine:

* Properties are plain dicts and must contain ``"__provider"`` (see :func:`serialized_provider`).
* :data:`UNKNOWN` anywhere in a property bag is sent as the unknown sentinel (what the engine sends during a
  preview).  The provider sees ``pulumi.output.Unknown`` instances; unknowns coming back are mapped to
  :data:`UNKNOWN` again.
* :class:`Secret` values are sent secret-wrapped when the receiver accepts secrets, plain otherwise.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi.dynamic
from google.protobuf import struct_pb2  # type: ignore[import-untyped,unused-ignore]
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc

_T = TypeVar("_T")

UNKNOWN: str = rpc.UNKNOWN
"""The sentinel meaning "unknown during preview" (``pulumi.runtime.rpc.UNKNOWN``).

Put it in ``news`` to simulate a preview; unknowns in results come back as this value."""

DEFAULT_PROJECT = "test"
DEFAULT_STACK = "dev"


@dataclass(frozen=True)
class Secret:
    """Marks a config value or a property value as secret."""

    value: Any


class PropertyMap(dict[str, Any]):
    """A plain ``dict`` of deserialized properties, plus the top-level keys that are secret.

    Compares equal to a plain dict with the same items; ``secret_keys`` is informational.
    """

    secret_keys: frozenset[str]

    def __init__(self, items: Mapping[str, Any] | None = None, secret_keys: frozenset[str] = frozenset()) -> None:
        super().__init__(items or {})
        self.secret_keys = secret_keys


def serialized_provider(provider: pulumi.dynamic.ResourceProvider) -> str:
    """The ``__provider`` value for ``provider``: exactly what ``pulumi.dynamic.Resource`` sends.

    The server caches deserialized providers by this string and calls ``configure()`` only the first time it
    sees a given string.
    """
    result: str = serialize_provider(provider)
    return result


def urn(
    type_name: str | type[pulumi.dynamic.Resource],
    name: str,
    project: str = DEFAULT_PROJECT,
    stack: str = DEFAULT_STACK,
) -> str:
    """A well-formed URN ``urn:pulumi:<stack>::<project>::<type>::<name>``.

    ``type_name`` may be a full token (``"pulumi-python:dynamic/toy:Toy"``), a dynamic token without the
    package (``"dynamic/toy:Toy"``, ``"dynamic:Resource"``), a bare name (``"Toy"`` ->
    ``"pulumi-python:dynamic:Toy"``), or a ``pulumi.dynamic.Resource`` subclass.
    """
    if isinstance(type_name, type):
        token = f"pulumi-python:{type_name._resource_type_name}"
    elif type_name.startswith("dynamic:") or type_name.startswith("dynamic/"):
        token = f"pulumi-python:{type_name}"
    elif ":" not in type_name:
        token = f"pulumi-python:dynamic:{type_name}"
    else:
        token = type_name
    return f"urn:pulumi:{stack}::{project}::{token}::{name}"


def urn_type_and_name(resource_urn: str) -> tuple[str, str]:
    """(type token, name) of a URN; the type is the last ``$``-separated component of the qualified type."""
    parts = resource_urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:"):
        raise ValueError(f"not a well-formed URN: {resource_urn!r}")
    return parts[2].split("$")[-1], parts[3]


def run_coroutine(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coro`` to completion on a private event loop (never touching the caller's loop).

    Called from test code (no loop), from the Pulumi mock monitor's executor threads (a loop may be *set* but
    is not running) and possibly from inside a running loop, in which case a helper thread is used.
    """

    def run_in_new_loop() -> _T:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(coro)
        finally:
            loop.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run_in_new_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run_in_new_loop).result()


def prepare(value: Any, keep_secrets: bool) -> Any:
    """Turn a test-side value into what ``rpc.serialize_properties`` should marshal."""
    if isinstance(value, Secret):
        inner = prepare(value.value, keep_secrets)
        return rpc.wrap_rpc_secret(inner) if keep_secrets else inner
    if rpc.is_rpc_secret(value):  # an already wrapped secret, e.g. from MockResourceArgs.inputs
        inner = prepare(value["value"], keep_secrets)
        return rpc.wrap_rpc_secret(inner) if keep_secrets else inner
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {str(k): prepare(v, keep_secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [prepare(v, keep_secrets) for v in value]
    return value


def is_secret_input(value: Any) -> bool:
    return isinstance(value, Secret) or rpc.is_rpc_secret(value)


def contains_unknown(value: Any) -> bool:
    if isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN):
        return True
    if isinstance(value, Secret):
        return contains_unknown(value.value)
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def require_known(method: str, props: Mapping[str, Any]) -> None:
    if contains_unknown(props):
        raise ValueError(
            f"{method}: properties contain UNKNOWN; the engine only sends unknowns to Check and Diff (previews)"
        )


def to_struct(props: Mapping[str, Any], keep_secrets: bool) -> struct_pb2.Struct:
    prepared = prepare(props, keep_secrets)
    struct: struct_pb2.Struct = run_coroutine(rpc.serialize_properties(prepared, {}))
    return struct


def to_plain(value: Any) -> tuple[Any, bool]:
    """Deserialized value -> (plain value, contained a secret)."""
    if isinstance(value, Unknown):
        return UNKNOWN, False
    if rpc.is_rpc_secret(value):
        inner, _ = to_plain(value["value"])
        return inner, True
    if isinstance(value, dict):
        secret = False
        out: dict[str, Any] = {}
        for k, v in value.items():
            out[k], s = to_plain(v)
            secret = secret or s
        return out, secret
    if isinstance(value, list):
        secret = False
        items: list[Any] = []
        for v in value:
            item, s = to_plain(v)
            items.append(item)
            secret = secret or s
        return items, secret
    return value, False


def from_struct(struct: struct_pb2.Struct, secret_inputs: frozenset[str] = frozenset()) -> PropertyMap:
    raw = rpc.deserialize_properties(struct, keep_unknowns=True)
    if not isinstance(raw, dict):
        raise TypeError(f"expected a property map, got {raw!r}")
    plain: dict[str, Any] = {}
    secret_keys: set[str] = set()
    for key, value in raw.items():
        plain[key], is_secret = to_plain(value)
        if is_secret or key in secret_inputs:
            secret_keys.add(key)
    return PropertyMap(plain, frozenset(secret_keys))


def config_variable(value: Any) -> str:
    """Config value -> the string the engine puts in ``ConfigureRequest.variables`` / ``PULUMI_CONFIG``."""
    if isinstance(value, Secret):
        value = value.value
    if isinstance(value, str):
        return value
    return json.dumps(value)
