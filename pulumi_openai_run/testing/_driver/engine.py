"""The driver's engine: :class:`DriverMocks` plays each dynamic registration against the stack's state the
way the Pulumi engine does (Check with the state's inputs as olds, Diff with the state's outputs, then
Create, Update or a replacement), and :func:`delete_all`, :func:`refresh_all` do the steps that run without
the program. Every step is reported to a :class:`Reporter` as it starts and ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from pulumi.runtime.mocks import MockResourceArgs

from .._engine.calls import DiffOutcome, ProviderError, ProviderServer
from .._engine.mocks import (
    DYNAMIC_TYPE_PREFIX,
    CheckFailedError,
    ProviderServerMocks,
    ResourceFailedError,
    provider_message,
)
from .._engine.wire import UNKNOWN, PropertyMap, Secret, to_plain
from .config import MASK
from .plan import Step, decide
from .render import normalise
from .state import ResourceState, StackState, is_masked_copy, side, unmasked

PROVIDER_KEY = "__provider"


class Reporter(Protocol):
    def started(self, step: Step) -> None: ...

    def finished(self, step: Step, seconds: float) -> None: ...


def _wrap(outs: Mapping[str, Any], secret_keys: frozenset[str]) -> dict[str, Any]:
    from pulumi.runtime import rpc

    return {k: rpc.wrap_rpc_secret(v) if k in secret_keys else v for k, v in outs.items()}


class DriverMocks(ProviderServerMocks):
    """Dynamic registrations played against ``state`` (not changed: the resulting entries are collected in
    :attr:`current`, the steps in :attr:`steps`, the failures in :attr:`errors`)."""

    def __init__(self, server: ProviderServer, state: StackState, reporter: Reporter, *, preview: bool,
                 interrupted: threading.Event) -> None:
        super().__init__(server)
        self.state = state
        self.reporter = reporter
        self.preview = preview
        self.interrupted = interrupted
        self.current: list[ResourceState] = []
        self.steps: list[Step] = []
        self.errors: list[Exception] = []
        self.replaced: list[ResourceState] = []
        self.registered: set[str] = set()
        self._order: dict[str, int] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.typ.startswith(DYNAMIC_TYPE_PREFIX) or args.resource_id:
            return super().new_resource(args)
        urn = self._urn(args)
        with self._lock:
            self.registered.add(urn)
            self._order[urn] = len(self._order)
        try:
            if self.interrupted.is_set():
                raise ResourceFailedError(args.typ, args.name, "not started: the update was interrupted")
            return self._register(args, urn)
        except (ResourceFailedError, CheckFailedError) as error:
            with self._lock:
                self.errors.append(error)
            raise

    def _keep(self, entry: ResourceState, step: Step) -> None:
        with self._lock:
            self.current.append(entry)
            self.current.sort(key=lambda r: self._order.get(r.urn, 0))
            self.steps.append(step)

    def _call(self, args: MockResourceArgs, step: Step, operation: Callable[[], Any]) -> Any:
        self.reporter.started(step)
        began = time.monotonic()
        try:
            result = operation()
        except ProviderError as error:
            step.error = provider_message(error)
            with self._lock:
                self.steps.append(step)
            self.reporter.finished(step, time.monotonic() - began)
            raise ResourceFailedError(args.typ, args.name, step.error) from error
        self.reporter.finished(step, time.monotonic() - began)
        return result

    def _register(self, args: MockResourceArgs, urn: str) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        plain_news, _ = to_plain(inputs)
        old = self.state.find(urn)
        old_inputs = unmasked(self.state, old.inputs, side(old.masked, "inputs"), plain_news) if old else {}
        checked = self._forward(args, lambda: self.server.check(urn, old_inputs, inputs))
        if checked.failures:
            raise CheckFailedError(urn, checked.failures)
        secret_keys = checked.inputs.secret_keys
        news: dict[str, Any] = {k: Secret(v) if k in secret_keys else v for k, v in checked.inputs.items()}
        checked_plain = normalise(dict(checked.inputs))

        diff: DiffOutcome | None = None
        old_outputs: dict[str, Any] = {}
        if old is not None:
            old_outputs = unmasked(self.state, old.outputs, side(old.masked, "outputs"),
                                   checked_plain)
            diff = self._forward(args, lambda: self.server.diff(urn, old.id, old_outputs, news,
                                                                old_inputs=old_inputs))
        decision = decide(old, diff, checked_plain)
        step = Step(decision.op, urn, args.typ, args.name, olds=old_inputs, news=checked_plain,
                    replaces=decision.replaces)

        if decision.op == "same":
            assert old is not None
            self._keep(ResourceState(urn, args.typ, args.name, old.id, old_inputs, old_outputs, old.masked), step)
            return old.id, _wrap(old_outputs, frozenset(k for k in old_outputs if k in secret_keys))

        if self.preview:
            self.reporter.finished(step, 0.0)
            with self._lock:
                self.steps.append(step)
            planned = dict(checked.inputs)
            if old is not None:  # what the provider computes is not known before it runs
                planned.update({k: UNKNOWN for k in old_outputs if k not in planned})
            return (old.id if old is not None and decision.op == "update" else ""), _wrap(planned, secret_keys)

        if decision.op == "update":
            assert old is not None
            outs: PropertyMap = self._call(args, step, lambda: self.server.update(
                urn, old.id, old_outputs, news, old_inputs=old_inputs))
            self._keep(ResourceState(urn, args.typ, args.name, old.id, checked_plain, normalise(dict(outs))), step)
            return old.id, _wrap(outs, outs.secret_keys)

        if decision.op == "replace" and decision.delete_first:
            assert old is not None
            first = Step("delete", urn, args.typ, args.name, olds=old_inputs, original=True)
            self._call(args, first, lambda: self.server.delete(urn, old.id, old_outputs, old_inputs=old_inputs))
        resource_id, created = self._call(args, step, lambda: self.server.create(urn, news))
        if decision.op == "replace" and not decision.delete_first:
            assert old is not None
            with self._lock:
                self.replaced.append(
                    ResourceState(urn, args.typ, args.name, old.id, old_inputs, old_outputs, old.masked))
        self._keep(ResourceState(urn, args.typ, args.name, resource_id, checked_plain, normalise(dict(created))),
                   step)
        return resource_id, _wrap(created, created.secret_keys)


def delete(server: ProviderServer, resource: ResourceState, reporter: Reporter, *, original: bool = False) -> Step:
    """Delete one resource (its stored outputs and inputs as the engine sends them; the caller unmasks them);
    the step says how it went. ``original``: the old half of a replacement."""
    step = Step("delete", resource.urn, resource.type, resource.name, olds=resource.inputs, original=original)
    reporter.started(step)
    began = time.monotonic()
    try:
        server.delete(resource.urn, resource.id, resource.outputs, old_inputs=resource.inputs)
    except ProviderError as error:
        step.error = provider_message(error)
    reporter.finished(step, time.monotonic() - began)
    return step


def _keep_secrets_hidden(state: StackState, which: str, olds: dict[str, Any], news: dict[str, Any],
                         stored: Mapping[str, Any], masked: dict[str, str], mask: Callable[[str], str]) -> None:
    """For each property of ``which`` side that held a secret: the stored value when the new one is the same
    (by digest, or masked), else ``[secret]`` in ``olds`` and ``news`` and the new value's digest in ``masked``."""
    for key, digest in side(masked, which).items():
        if key not in news:
            continue
        if state.digest(news[key]) == digest or is_masked_copy(stored.get(key), news[key], mask):
            news[key] = stored.get(key)
        else:
            olds[key] = MASK
            masked[f"{which}.{key}"] = state.digest(news[key])
            news[key] = MASK


def refresh(server: ProviderServer, state: StackState, resource: ResourceState, reporter: Reporter,
            mask: Callable[[str], str] = str) -> tuple[Step, ResourceState | None]:
    """Read one resource (its stored outputs and inputs, unmasked by the caller): ``refresh`` with the changed
    outputs when it drifted, ``same`` when not, ``delete`` when it is gone (the entry returned is None then).

    A property that held a secret (``resource.masked``) is compared by its digest, and when it drifted it is
    shown and kept as ``[secret]`` (with the new value's digest): the value read may hold a secret this run
    was not given, which masking could not hide."""
    step = Step("refresh", resource.urn, resource.type, resource.name, olds=resource.outputs)
    began = time.monotonic()
    try:
        found = server.read(resource.urn, resource.id, resource.outputs, resource.inputs)
    except ProviderError as error:
        step.error = provider_message(error)
        reporter.finished(step, time.monotonic() - began)
        return step, resource
    if not found.id:
        step.op = "delete"
        reporter.finished(step, time.monotonic() - began)
        return step, None
    outputs = normalise(dict(found.outs))
    inputs = normalise(dict(found.inputs)) if found.inputs is not None else dict(resource.inputs)
    masked = dict(resource.masked)
    olds = dict(resource.outputs)
    _keep_secrets_hidden(state, "outputs", olds, outputs, resource.outputs, masked, mask)
    _keep_secrets_hidden(state, "inputs", dict(resource.inputs), inputs, resource.inputs, masked, mask)
    step.olds, step.news = olds, outputs
    if normalise(olds) == outputs:
        step.op = "same"
    reporter.finished(step, time.monotonic() - began)
    return step, ResourceState(resource.urn, resource.type, resource.name, found.id, inputs, outputs, masked)
