"""Run a real Pulumi program under ``pulumi.runtime.set_mocks`` with dynamic resources served by the real
dynamic-provider server (:class:`~pulumi_openai_run.testing.ProviderServer`).

:class:`ProviderServerMocks` forwards every dynamic resource registration (type token
``pulumi-python:dynamic...``) to the server the way the engine does for a fresh ``pulumi up``: ``Check``
(``olds={}``, ``news`` = the registered inputs including ``__provider``), failing on check failures, then
``Create`` with the *checked* inputs.  ``Resource.get`` / ``ResourceOptions(id=...)`` reads and
``ResourceOptions(import_=...)`` imports become ``Read``.  Other resource types get
``(name + "_id", inputs)``.

How ``__provider`` arrives: ``pulumi.dynamic.Resource`` makes the serialized provider a secret ``Output``; the
mock monitor advertises secret support, so the SDK sends it secret-wrapped and
``MockResourceArgs.inputs["__provider"]`` is the wrapped dict
``{"4dabf1...": "1b4706...", "value": "<base64 dill>"}``.  Numbers in the inputs are already floats (they
went through a protobuf ``Struct``); ``None`` inputs are absent.  The harness sends the secret unwrapped (the
dynamic provider's ``Configure`` answers ``acceptSecrets=False``, so the engine strips secrets), and - like
the engine's ``annotateSecrets`` - marks the outputs named like secret inputs (``__provider``) secret again in
what it returns to the program.

:func:`run_program` runs a program file/directory/module the way the Python language host does
(``pulumi.runtime.run_in_stack`` on a fresh event loop in a copied ``contextvars`` context) and returns its
stack exports.  Exports are captured where the engine receives them: the root ``pulumi:pulumi:Stack``
resource's ``RegisterResourceOutputs`` call on the (mock) resource monitor, i.e. after the SDK has awaited and
serialized every exported value.  Secret exports are unwrapped (``result.secret_keys`` names them); unknowns
(preview) come back as ``pulumi_openai_run.testing.UNKNOWN``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import runpy
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, cast

import pulumi
import pulumi.runtime
from google.protobuf import empty_pb2  # type: ignore[import-untyped,unused-ignore]
from pulumi.runtime import rpc, settings
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs

from .calls import ProviderError, ProviderServer
from .wire import PropertyMap, Secret, config_variable, from_struct, to_plain

_T = TypeVar("_T")

__all__ = [
    "DYNAMIC_TYPE_PREFIX",
    "CheckFailedError",
    "ExportCapturingMonitor",
    "ProviderServerMocks",
    "Registration",
    "run_program",
]

DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
STACK_TYPE = "pulumi:pulumi:Stack"


class CheckFailedError(Exception):
    """``Check`` returned failures for a resource registration."""

    def __init__(self, urn: str, failures: list[tuple[str, str]]) -> None:
        self.urn = urn
        self.failures = failures
        listing = "; ".join(f"{prop}: {reason}" for prop, reason in failures)
        super().__init__(f"Check failed for {urn}: {listing}")


class ResourceFailedError(Exception):
    """A provider operation failed for a resource; the message names it and gives the provider's message."""

    def __init__(self, type_: str, name: str, message: str) -> None:
        super().__init__(f"{type_} {name}: {message}")
        self.type = type_
        self.name = name


def provider_message(error: ProviderError) -> str:
    """The provider's own message from a failed call, without the dynamic server's traceback."""
    lines = [line for line in error.details.splitlines() if line.strip()]
    if not lines or not error.details.startswith("Traceback"):
        return error.details
    exception_type, _, message = lines[-1].partition(": ")
    return message or exception_type


@dataclass(frozen=True)
class Registration:
    """One resource registration the mocks answered (for assertions)."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outs: dict[str, Any]
    operation: str  # "create", "read", "preview" or "mock"


def _wrap_secret_outputs(outs: PropertyMap) -> dict[str, Any]:
    """Outputs for the program: secret ones wrapped so the SDK resolves them as secret ``Output``s."""
    return {k: rpc.wrap_rpc_secret(v) if k in outs.secret_keys else v for k, v in outs.items()}


class ProviderServerMocks(pulumi.runtime.Mocks):
    """``pulumi.runtime.Mocks`` forwarding dynamic resources to a running :class:`ProviderServer`.

    ``fallback`` (optional) answers non-dynamic resources instead of the default ``(name + "_id", inputs)``.
    Registrations are recorded in :attr:`registrations`.  In a preview (``pulumi.runtime.is_dry_run()``) only
    ``Check`` runs and the resource gets an unknown id and its checked inputs as state, as in an engine
    preview (the dynamic provider does not support ``Create`` with ``preview=True``).
    """

    def __init__(
        self,
        server: ProviderServer,
        fallback: Callable[[MockResourceArgs], tuple[str | None, dict[str, Any]]] | None = None,
    ) -> None:
        self.server = server
        self.fallback = fallback
        self.registrations: list[Registration] = []
        self._lock = threading.Lock()

    def _urn(self, args: MockResourceArgs) -> str:
        return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{args.typ}::{args.name}"

    def _record(self, registration: Registration) -> None:
        with self._lock:
            self.registrations.append(registration)

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.typ.startswith(DYNAMIC_TYPE_PREFIX):
            if self.fallback is not None:
                return self.fallback(args)
            return args.name + "_id", args.inputs

        resource_urn = self._urn(args)
        inputs = dict(args.inputs)
        plain_inputs, _ = to_plain(inputs)

        resource_id = args.resource_id
        if resource_id:
            # Resource.get / ResourceOptions(id=...) (ReadResource) or import_ (RegisterResource with
            # importId): the engine reads with the program's properties as inputs and no prior state.
            found_id: str = resource_id
            outcome = self._forward(args, lambda: self.server.read(resource_urn, found_id, {}, inputs))
            if not outcome.id:  # what the engine reports for a read that finds nothing
                raise ResourceFailedError(args.typ, args.name, f"resource '{resource_id}' does not exist")
            self._record(
                Registration(resource_urn, args.typ, args.name, outcome.id, plain_inputs, dict(outcome.outs), "read")
            )
            return outcome.id, _wrap_secret_outputs(outcome.outs)

        checked = self.server.check(resource_urn, {}, inputs)
        if checked.failures:
            raise CheckFailedError(resource_urn, checked.failures)

        # Checked inputs lost the secretness on the wire (acceptSecrets=False); re-apply it for Create so that
        # the outputs get the engine's secret annotation.
        create_inputs: dict[str, Any] = {
            k: Secret(v) if k in checked.inputs.secret_keys else v for k, v in checked.inputs.items()
        }

        if pulumi.runtime.is_dry_run():
            self._record(
                Registration(resource_urn, args.typ, args.name, "", plain_inputs, dict(checked.inputs), "preview")
            )
            return "", _wrap_secret_outputs(checked.inputs)

        resource_id, outs = self._forward(args, lambda: self.server.create(resource_urn, create_inputs))
        self._record(Registration(resource_urn, args.typ, args.name, resource_id, plain_inputs, dict(outs), "create"))
        return resource_id, _wrap_secret_outputs(outs)

    @staticmethod
    def _forward(args: MockResourceArgs, operation: Callable[[], _T]) -> _T:
        """``operation()``; a provider error is re-raised naming the resource, as `pulumi up` shows it."""
        try:
            return operation()
        except ProviderError as error:
            raise ResourceFailedError(args.typ, args.name, provider_message(error)) from error

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        # An empty result and no failures.  (The mock monitor iterates the failures, so it must not be
        # None.)
        return {}, []


class ExportCapturingMonitor(MockMonitor):
    """A ``MockMonitor`` that keeps what the root stack registers as its outputs (the stack exports)."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.stack_outputs: PropertyMap | None = None

    # MockMonitor's RegisterResource/ReadResource/Invoke run on the SDK's executor threads and call
    # ``_ensure_event_loop()``, which leaves a never-closed event loop on every worker thread (ResourceWarnings
    # once the executor shuts down).  Give each call its own loop and close it afterwards.
    def RegisterResource(self, request: Any) -> Any:
        return _with_thread_loop(super().RegisterResource, request)

    def ReadResource(self, request: Any) -> Any:
        return _with_thread_loop(super().ReadResource, request)

    def Invoke(self, request: Any) -> Any:
        return _with_thread_loop(super().Invoke, request)

    def RegisterResourceOutputs(self, request: Any) -> empty_pb2.Empty:
        if f"::{STACK_TYPE}::" in request.urn:
            self.stack_outputs = from_struct(request.outputs)
        result: empty_pb2.Empty = super().RegisterResourceOutputs(request)
        return result


def _with_thread_loop(method: Callable[[Any], Any], request: Any) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # called on a loop's thread (not how the SDK calls the monitor): leave it alone
        return method(request)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return method(request)
    finally:
        asyncio.set_event_loop(None)
        loop.close()


@contextlib.contextmanager
def _sys_path_entry(directory: Path | None) -> Iterator[None]:
    if directory is None:
        yield
        return
    entry = str(directory)
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(entry)


def _program_runner(path_or_module: str | Path | ModuleType) -> tuple[Callable[[], None], Path | None]:
    if isinstance(path_or_module, ModuleType):
        module_name = path_or_module.__name__

        def run_module_object() -> None:
            runpy.run_module(module_name, run_name="__main__", alter_sys=True)

        return run_module_object, None

    path = Path(path_or_module)
    if path.exists():
        path = path.resolve()
        directory = path if path.is_dir() else path.parent

        def run_path() -> None:
            # A directory runs its __main__.py (like `pulumi up` in a project directory).
            runpy.run_path(str(path), run_name="__main__")

        return run_path, directory

    if isinstance(path_or_module, str) and all(part.isidentifier() for part in path_or_module.split(".")):
        module_name = path_or_module

        def run_module() -> None:
            runpy.run_module(module_name, run_name="__main__", alter_sys=True)

        return run_module, None

    raise FileNotFoundError(f"no Pulumi program at {path_or_module!s}")


def run_program(
    path_or_module: str | Path | ModuleType,
    mocks: pulumi.runtime.Mocks,
    project: str = "quickstart",
    stack: str = "dev",
    config: Mapping[str, Any] | None = None,
    *,
    preview: bool = False,
) -> PropertyMap:
    """Run a Pulumi program against ``mocks`` and return its stack exports (resolved plain values).

    ``path_or_module``: a program file, a project directory (its ``__main__.py``), a module object or a dotted
    module name.  The program's directory is on ``sys.path`` while it runs (as with the language host; the cwd
    is *not* changed).  ``config``: keys ``"<namespace>:<key>"`` or bare keys (namespaced with ``project``);
    :class:`~pulumi_openai_run.testing.Secret` values become secret config.  This config is for the
    *program* (``pulumi.Config``); the provider server keeps the config it was configured with.

    Runs in a copied ``contextvars`` context on its own event loop, so the Pulumi settings, config and root
    stack it installs do not leak into the caller.  Must not be called from a running event loop's thread.
    Program errors propagate.  Returns a dict (``.secret_keys`` lists secret exports).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("run_program() must not be called from a running event loop")

    program, directory = _program_runner(path_or_module)
    context = contextvars.copy_context()
    return context.run(_run_program_in_context, program, directory, mocks, project, stack, config or {}, preview)


def _run_program_in_context(
    program: Callable[[], None],
    directory: Path | None,
    mocks: pulumi.runtime.Mocks,
    project: str,
    stack: str,
    config: Mapping[str, Any],
    preview: bool,
) -> PropertyMap:
    monitor = ExportCapturingMonitor(mocks)

    # set_mocks() creates and immediately finishes a root Stack unless one exists; exports made after that
    # never reach the monitor, and `pulumi.run` is refused.  Occupy the root slot while calling it, then let
    # run_in_stack() create the real root Stack, exactly as the language host does.
    settings.ROOT.set(cast(Any, object()))
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    settings.ROOT.set(None)

    all_config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in config.items():
        full_key = key if ":" in key else f"{project}:{key}"
        if isinstance(value, Secret):
            secret_keys.append(full_key)
            value = value.value
        all_config[full_key] = config_variable(value)
    pulumi.runtime.set_all_config(all_config, secret_keys)

    # Like the language host: a fresh loop that is only ever *running* (never set as the thread's current
    # loop), so the caller's event-loop state is untouched.
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_ignore_unobserved_failures)
    try:
        with _sys_path_entry(directory):
            loop.run_until_complete(pulumi.runtime.run_in_stack(program))
    finally:
        # Like the automation API's language server: cancel leftovers, so nothing reports pending tasks.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()

    if monitor.stack_outputs is None:
        raise RuntimeError("the program finished without registering stack outputs")
    return monitor.stack_outputs


def _ignore_unobserved_failures(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """When a registration fails, the SDK fails every output future of that resource; the ones nobody awaited
    are reported on garbage collection.  The failure itself propagates from run_program, so drop that noise
    (the language host silences the whole ``asyncio`` logger for the same reason) and keep everything else."""
    message = str(context.get("message", ""))
    if message.endswith("exception was never retrieved"):
        return
    loop.default_exception_handler(context)
