"""The RPC side of the engine harness: :class:`ProviderServer` speaks ``pulumirpc.ResourceProvider`` to the
real dynamic-provider server the way the Pulumi engine does.

``GetPluginInfo``, ``Configure``, then ``Check``/``Diff``/``Create``/``Read``/``Update``/``Delete`` (and ``Cancel``),
so a test goes through dill (de)serialization of the provider, protobuf ``Struct`` marshalling (every number arrives as
a ``float``), unknowns, secrets and the server's error reporting, none of which a direct method call
exercises.

* :class:`Secret` config values are sent to ``Configure`` as secret-wrapped values (the engine always sends
  secrets in ``ConfigureRequest.args``).  The dynamic provider answers ``acceptSecrets=False``, so - like the
  engine - :class:`Secret` *property* values are then sent as plain values; the result's
  :attr:`PropertyMap.secret_keys` reports which top-level outputs the engine would mark secret
  (secret on the wire, or present in outputs and secret in the inputs sent, as the engine's
  ``annotateSecrets`` does).
* Every RPC has a deadline: a Create/Update/Delete its own timeout plus a grace; any other (Read, Check,
  Diff, Configure) :data:`DEFAULT_RPC_DEADLINE`, longer than the provider's longest bound on a call that
  has no timeout of its own (a Read retries for up to ``TRANSIENT_RETRY_CEILING``), so the harness never
  gives up on a provider that is still within its bounds. gRPC errors become :class:`ProviderError` whose
  ``details`` carries the server's text (for provider exceptions that is the full Python traceback).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import grpc
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped,unused-ignore]
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from .process import DEFAULT_RPC_TIMEOUT, ProviderProcess
from .wire import (
    PropertyMap,
    config_variable,
    from_struct,
    is_secret_input,
    require_known,
    to_struct,
    urn_type_and_name,
)

_DEADLINE_GRACE = 30.0
"""Added to a Create/Update/Delete's own timeout for the RPC's deadline."""

DEFAULT_RPC_DEADLINE = DEFAULT_RPC_TIMEOUT
"""The deadline of an RPC without a timeout of its own (see ``process.DEFAULT_RPC_TIMEOUT``)."""

_DIFF_CHANGES: dict[int, Literal["some", "none"]] = {
    provider_pb2.DiffResponse.DIFF_SOME: "some",
    provider_pb2.DiffResponse.DIFF_NONE: "none",
}


@dataclass(frozen=True)
class CheckOutcome:
    inputs: PropertyMap
    failures: list[tuple[str, str]]  # (property, reason)


@dataclass(frozen=True)
class DiffOutcome:
    changes: Literal["some", "none", "unknown"]
    replaces: list[str]
    delete_before_replace: bool


@dataclass(frozen=True)
class ReadOutcome:
    id: str
    outs: PropertyMap
    inputs: PropertyMap | None  # None unless the provider returned explicit inputs


class ProviderError(Exception):
    """A gRPC call to the provider failed.

    ``code`` is the ``grpc.StatusCode``; ``details`` the server's error text - for an exception raised by the
    dynamic provider this is the full Python traceback (``grpc.StatusCode.UNKNOWN``).
    """

    def __init__(self, method: str, code: grpc.StatusCode | None, details: str) -> None:
        self.method = method
        self.code = code
        self.details = details
        code_name = code.name if code is not None else "UNKNOWN"
        super().__init__(f"{method} failed ({code_name}): {details}")


def _resource(urn: str, id: str | None = None) -> dict[str, Any]:
    """The fields every resource request starts with: ``urn``, ``name``, ``type`` (and ``id``)."""
    type_, name = urn_type_and_name(urn)
    fields: dict[str, Any] = {"urn": urn, "name": name, "type": type_}
    if id is not None:
        fields["id"] = id
    return fields


class ProviderServer(ProviderProcess):
    """``python -m pulumi.dynamic`` in a child process, driven like the Pulumi engine drives it.

    Use as a context manager.  ``config`` is sent with ``Configure`` on start (keys as the engine sends them
    to a dynamic provider: the whole stack config with namespaces, e.g. ``"openai:apiKey"`` or
    ``"<project>:model"``; values normally strings, :class:`Secret` for secret ones).  It is also exported to
    the child as ``PULUMI_CONFIG`` / ``PULUMI_CONFIG_SECRET_KEYS`` like the engine does for dynamic providers,
    so ``pulumi.Config`` works inside the provider.  ``project`` becomes ``PULUMI_PROJECT`` (the namespace
    ``pulumi.dynamic.Config.get("key")`` uses for un-namespaced keys).

    ``env`` is added to the child's environment (it wins over everything else; a ``PYTHONPATH`` in it is put
    first).  The child's stdout and stderr go to ``log_path`` (default: a temp file removed on exit; the text
    remains available from :meth:`log_text`).
    """

    plugin_version: str | None = None
    accept_secrets = False
    accept_resources = False
    _stub: provider_pb2_grpc.ResourceProviderStub | None = None

    def _handshake(self) -> None:
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        # What the engine does after loading a plugin: GetPluginInfo, then Configure (CheckConfig/DiffConfig
        # are UNIMPLEMENTED by the dynamic provider and the engine tolerates that).
        info = self._call("GetPluginInfo", empty_pb2.Empty())
        self.plugin_version = info.version
        self.configure(self.initial_config)

    # -- RPC plumbing ----------------------------------------

    def _call(self, method: str, request: Any, timeout: float | None = None) -> Any:
        if self._channel is None or self._stub is None:
            raise RuntimeError("ProviderServer is not running (use it as a context manager)")
        rpc_method = getattr(self._stub, method)
        try:
            return rpc_method(request, timeout=self.rpc_timeout if timeout is None else timeout)
        except grpc.RpcError as exn:
            code = exn.code() if hasattr(exn, "code") else None
            details = exn.details() if hasattr(exn, "details") else str(exn)
            raise ProviderError(method, code, details or "") from None

    def _props(self, props: Mapping[str, Any]) -> struct_pb2.Struct:
        return to_struct(props, keep_secrets=self.accept_secrets)

    def _changes(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], old_inputs: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """``olds``, ``news`` and ``old_inputs`` (default: ``olds``) as Diff and Update send them."""
        return {
            "olds": self._props(olds),
            "news": self._props(news),
            "old_inputs": self._props(old_inputs if old_inputs is not None else olds),
        }

    def _outputs(self, struct: struct_pb2.Struct, *inputs: Mapping[str, Any] | None) -> PropertyMap:
        secret_inputs: frozenset[str] = frozenset()
        if not self.accept_secrets:
            # The engine's annotateSecrets: an output named like a secret input is secret.
            for props in inputs:
                if props:
                    secret_inputs |= frozenset(k for k, v in props.items() if is_secret_input(v))
        return from_struct(struct, secret_inputs)

    # -- the ResourceProvider calls ----------------------------------------

    def configure(self, config: Mapping[str, Any]) -> None:
        """Send ``Configure``.  NB: providers the server has already deserialized keep their first config."""
        request = provider_pb2.ConfigureRequest(
            variables={k: config_variable(v) for k, v in config.items()},
            args=to_struct(config, keep_secrets=True),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )
        response = self._call("Configure", request)
        self.accept_secrets = bool(response.acceptSecrets)
        self.accept_resources = bool(response.acceptResources)

    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        """``olds`` are the old *inputs* (``{}`` for a create), ``news`` the program's new inputs."""
        request = provider_pb2.CheckRequest(
            **_resource(urn), olds=self._props(olds), news=self._props(news), randomSeed=os.urandom(32)
        )
        response = self._call("Check", request)
        return CheckOutcome(
            inputs=self._outputs(response.inputs, news),
            failures=[(f.property, f.reason) for f in response.failures],
        )

    def diff(self, urn: str, id: str, olds: Mapping[str, Any], news: Mapping[str, Any], *,
             old_inputs: Mapping[str, Any] | None = None, ignore_changes: list[str] | None = None) -> DiffOutcome:
        """``olds`` are the old *outputs* (state), ``news`` the new checked inputs (as for the engine)."""
        request = provider_pb2.DiffRequest(
            **_resource(urn, id), **self._changes(olds, news, old_inputs), ignoreChanges=ignore_changes or []
        )
        response = self._call("Diff", request)
        return DiffOutcome(
            changes=_DIFF_CHANGES.get(response.changes, "unknown"),
            replaces=list(response.replaces),
            delete_before_replace=bool(response.deleteBeforeReplace),
        )

    def create(self, urn: str, props: Mapping[str, Any], timeout: float = 600) -> tuple[str, PropertyMap]:
        require_known("create", props)
        request = provider_pb2.CreateRequest(
            **_resource(urn), properties=self._props(props), timeout=timeout, preview=False
        )
        response = self._call("Create", request, timeout=timeout + _DEADLINE_GRACE)
        return response.id, self._outputs(response.properties, props)

    def read(self, urn: str, id: str, props: Mapping[str, Any], inputs: Mapping[str, Any] | None = None) -> ReadOutcome:
        """``props``: prior outputs (refresh); pass ``{}`` and ``inputs`` for an import / ``Resource.get``."""
        request = provider_pb2.ReadRequest(**_resource(urn, id), properties=self._props(props))
        if inputs is not None:
            request.inputs.CopyFrom(self._props(inputs))
        response = self._call("Read", request)
        read_inputs = self._outputs(response.inputs, inputs) if response.HasField("inputs") else None
        return ReadOutcome(
            id=response.id,
            outs=self._outputs(response.properties, props, inputs),
            inputs=read_inputs,
        )

    def update(self, urn: str, id: str, olds: Mapping[str, Any], news: Mapping[str, Any], *,
               old_inputs: Mapping[str, Any] | None = None, timeout: float = 600) -> PropertyMap:
        """``olds`` are the old outputs (state), ``news`` the new checked inputs; returns the new outputs."""
        require_known("update", news)
        request = provider_pb2.UpdateRequest(
            **_resource(urn, id), **self._changes(olds, news, old_inputs), timeout=timeout, preview=False
        )
        response = self._call("Update", request, timeout=timeout + _DEADLINE_GRACE)
        return self._outputs(response.properties, news)

    def cancel(self) -> None:
        """Send ``Cancel``, as the engine does on the first Ctrl-C of ``pulumi up`` (it asks the provider to stop
        what it is doing; the calls in flight still answer)."""
        self._call("Cancel", empty_pb2.Empty())

    def delete(self, urn: str, id: str, props: Mapping[str, Any], *,
               old_inputs: Mapping[str, Any] | None = None, timeout: float = 600) -> None:
        request = provider_pb2.DeleteRequest(
            **_resource(urn, id),
            properties=self._props(props),
            old_inputs=self._props(old_inputs if old_inputs is not None else props),
            timeout=timeout,
        )
        self._call("Delete", request, timeout=timeout + _DEADLINE_GRACE)
