"""Play the Pulumi engine's side against the *real* dynamic-provider server.

The Pulumi engine runs a Python dynamic provider through the ``pulumi-resource-pulumi-python`` plugin, which
is ``python -m pulumi.dynamic``: it prints its port on stdout and then serves ``pulumirpc.ResourceProvider``
over gRPC on 127.0.0.1.  :class:`ProviderServer` spawns exactly that process and speaks to it the way the
engine does (``GetPluginInfo``, ``Configure``, then ``Check``/``Diff``/``Create``/``Read``/``Update``/
``Delete``), so a test goes through dill (de)serialization of the provider, protobuf ``Struct`` marshalling
(every number arrives as a ``float``), unknowns, secrets and the server's error reporting, none of which a
direct method call exercises.

Wire-format rules applied here, mirroring the engine:

* Properties are plain dicts and must contain ``"__provider"`` (see :func:`serialized_provider`).
* :data:`UNKNOWN` anywhere in a property bag is sent as the unknown sentinel (what the engine sends during a
  preview).  The provider sees ``pulumi.output.Unknown`` instances; unknowns coming back are mapped to
  :data:`UNKNOWN` again.
* :class:`Secret` config values are sent to ``Configure`` as secret-wrapped values (the engine always sends
  secrets in ``ConfigureRequest.args``).  The dynamic provider answers ``acceptSecrets=False``, so - like the
  engine - :class:`Secret` *property* values are then sent as plain values; the result's
  :attr:`PropertyMap.secret_keys` reports which top-level outputs the engine would mark secret
  (secret on the wire, or present in outputs and secret in the inputs sent, as the engine's
  ``annotateSecrets`` does).
* Every RPC has a deadline; gRPC errors become :class:`ProviderError` whose ``details`` carries the server's
  text (for provider exceptions that is the full Python traceback).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import tempfile
import threading
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, TypeVar

import grpc
import pulumi.dynamic
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped,unused-ignore]
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

__all__ = [
    "PROVIDER_KEY",
    "UNKNOWN",
    "CheckOutcome",
    "DiffOutcome",
    "PropertyMap",
    "ProviderError",
    "ProviderServer",
    "ProviderStartError",
    "ReadOutcome",
    "Secret",
    "serialized_provider",
    "urn",
]

_T = TypeVar("_T")

UNKNOWN: str = rpc.UNKNOWN
"""The sentinel meaning "unknown during preview" (``pulumi.runtime.rpc.UNKNOWN``).

Put it in ``news`` to simulate a preview; unknowns in results come back as this value."""

PROVIDER_KEY = "__provider"

DEFAULT_PROJECT = "test"
DEFAULT_STACK = "dev"
DEFAULT_RPC_TIMEOUT = 60.0
DEFAULT_STARTUP_TIMEOUT = 30.0
_CREATE_DEADLINE_GRACE = 30.0
_GRPC_OPTIONS = [
    ("grpc.max_receive_message_length", 400 * 1024 * 1024),
    ("grpc.max_send_message_length", 400 * 1024 * 1024),
]


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


class ProviderStartError(RuntimeError):
    """The ``python -m pulumi.dynamic`` process did not come up (message includes its output)."""


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


def _urn_type_and_name(resource_urn: str) -> tuple[str, str]:
    """(type token, name) of a URN; the type is the last ``$``-separated component of the qualified type."""
    parts = resource_urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:"):
        raise ValueError(f"not a well-formed URN: {resource_urn!r}")
    return parts[2].split("$")[-1], parts[3]


# ----------------------------------------------------------------------------------------------------
# (de)serialization


def _run_coroutine(coro: Coroutine[Any, Any, _T]) -> _T:
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


def _prepare(value: Any, keep_secrets: bool) -> Any:
    """Turn a test-side value into what ``rpc.serialize_properties`` should marshal."""
    if isinstance(value, Secret):
        inner = _prepare(value.value, keep_secrets)
        return rpc.wrap_rpc_secret(inner) if keep_secrets else inner
    if rpc.is_rpc_secret(value):  # an already wrapped secret, e.g. from MockResourceArgs.inputs
        inner = _prepare(value["value"], keep_secrets)
        return rpc.wrap_rpc_secret(inner) if keep_secrets else inner
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {str(k): _prepare(v, keep_secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v, keep_secrets) for v in value]
    return value


def _is_secret_input(value: Any) -> bool:
    return isinstance(value, Secret) or rpc.is_rpc_secret(value)


def _contains_unknown(value: Any) -> bool:
    if isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN):
        return True
    if isinstance(value, Secret):
        return _contains_unknown(value.value)
    if isinstance(value, Mapping):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_contains_unknown(v) for v in value)
    return False


def _require_known(method: str, props: Mapping[str, Any]) -> None:
    if _contains_unknown(props):
        raise ValueError(
            f"{method}: properties contain UNKNOWN; the engine only sends unknowns to Check and Diff (previews)"
        )


def _to_struct(props: Mapping[str, Any], keep_secrets: bool) -> struct_pb2.Struct:
    prepared = _prepare(props, keep_secrets)
    struct: struct_pb2.Struct = _run_coroutine(rpc.serialize_properties(prepared, {}))
    return struct


def _plain(value: Any) -> tuple[Any, bool]:
    """Deserialized value -> (plain value, contained a secret)."""
    if isinstance(value, Unknown):
        return UNKNOWN, False
    if rpc.is_rpc_secret(value):
        inner, _ = _plain(value["value"])
        return inner, True
    if isinstance(value, dict):
        secret = False
        out: dict[str, Any] = {}
        for k, v in value.items():
            out[k], s = _plain(v)
            secret = secret or s
        return out, secret
    if isinstance(value, list):
        secret = False
        items: list[Any] = []
        for v in value:
            item, s = _plain(v)
            items.append(item)
            secret = secret or s
        return items, secret
    return value, False


def _from_struct(struct: struct_pb2.Struct, secret_inputs: frozenset[str] = frozenset()) -> PropertyMap:
    raw = rpc.deserialize_properties(struct, keep_unknowns=True)
    if not isinstance(raw, dict):
        raise TypeError(f"expected a property map, got {raw!r}")
    plain: dict[str, Any] = {}
    secret_keys: set[str] = set()
    for key, value in raw.items():
        plain[key], is_secret = _plain(value)
        if is_secret or key in secret_inputs:
            secret_keys.add(key)
    return PropertyMap(plain, frozenset(secret_keys))


def _config_variable(value: Any) -> str:
    """Config value -> the string the engine puts in ``ConfigureRequest.variables`` / ``PULUMI_CONFIG``."""
    if isinstance(value, Secret):
        value = value.value
    if isinstance(value, str):
        return value
    return json.dumps(value)


# ----------------------------------------------------------------------------------------------------
# the server


class _OutputPump:
    """Copies the child's stdout into the log file and hands out the first all-digits line (the port).

    All reads of the pipe happen under ``lock`` and the fd is non-blocking, so :meth:`drain` (called by
    ``log_text``) can guarantee that everything the child wrote before the call is in the log file, without
    sleeping.
    """

    def __init__(self, stream: IO[bytes], log: IO[bytes]) -> None:
        self._fd = stream.fileno()
        self._stream = stream
        self._log = log
        self.lock = threading.Lock()
        self.port: queue.Queue[int | None] = queue.Queue()
        self._line = b""
        self._port_found = False
        self._eof = False
        os.set_blocking(self._fd, False)
        self._thread = threading.Thread(target=self._run, name="pulumi-dynamic-stdout", daemon=True)
        self._thread.start()

    def _read_available(self) -> None:
        """Read whatever is available right now (caller holds ``lock``)."""
        while not self._eof:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._eof = True
                if not self._port_found:
                    self.port.put(None)
                return
            self._log.write(data)
            self._log.flush()
            if not self._port_found:
                self._scan_for_port(data)

    def _scan_for_port(self, data: bytes) -> None:
        self._line += data
        while b"\n" in self._line and not self._port_found:
            line, self._line = self._line.split(b"\n", 1)
            text = line.strip()
            if text.isdigit():
                self._port_found = True
                self.port.put(int(text))

    def _run(self) -> None:
        while True:
            with self.lock:
                if self._eof:
                    return
            try:
                select.select([self._fd], [], [])
            except (OSError, ValueError):
                return
            with self.lock:
                self._read_available()

    def drain(self) -> None:
        with self.lock:
            self._read_available()

    def close(self, timeout: float = 5.0) -> None:
        self._thread.join(timeout)
        with self.lock:
            with contextlib.suppress(OSError):
                self._read_available()
            self._eof = True
            self._stream.close()


class ProviderServer:
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

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
        *,
        project: str = DEFAULT_PROJECT,
        rpc_timeout: float = DEFAULT_RPC_TIMEOUT,
        startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
        python_args: Sequence[str] = ("-m", "pulumi.dynamic"),
    ) -> None:
        self.initial_config: dict[str, Any] = dict(config or {})
        self.env: dict[str, str] = dict(env or {})
        self.project = project
        self.rpc_timeout = rpc_timeout
        self.startup_timeout = startup_timeout
        self.python_args = tuple(python_args)
        """What the child runs: ``python -u <python_args>`` (the engine's plugin runs ``-m pulumi.dynamic``)."""
        self._requested_log_path = log_path
        self.log_path: Path | None = None
        self._owns_log = False
        self._log_file: IO[bytes] | None = None
        self._final_log: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pump: _OutputPump | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self.port: int | None = None
        self.plugin_version: str | None = None
        self.accept_secrets = False
        self.accept_resources = False

    # -- lifecycle ----------------------------------------

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}

        def is_environment_dir(path: str) -> bool:
            real = os.path.realpath(path)
            return any(real == p or real.startswith(p + os.sep) for p in prefixes)

        # The cwd and the importable non-environment directories of this process (e.g. the tests directory
        # pytest put on sys.path), so dill can import by reference whatever the test process pickled by
        # reference.
        paths: list[str] = []
        if self.env.get("PYTHONPATH"):
            paths.extend(self.env["PYTHONPATH"].split(os.pathsep))
        paths.append(os.getcwd())
        paths.extend(p for p in sys.path if p and os.path.isdir(p) and not is_environment_dir(p))
        if os.environ.get("PYTHONPATH"):
            paths.extend(os.environ["PYTHONPATH"].split(os.pathsep))
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(os.path.abspath(p) for p in paths if p))

        env["PYTHONUNBUFFERED"] = "1"
        env["PULUMI_PROJECT"] = self.project
        env["PULUMI_CONFIG"] = json.dumps({k: _config_variable(v) for k, v in self.initial_config.items()})
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(
            [k for k, v in self.initial_config.items() if isinstance(v, Secret)]
        )
        env.update({k: v for k, v in self.env.items() if k != "PYTHONPATH"})
        return env

    def __enter__(self) -> ProviderServer:
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _start(self) -> None:
        if self._process is not None:
            raise RuntimeError("ProviderServer already started")
        if self._requested_log_path is not None:
            self.log_path = Path(self._requested_log_path)
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = open(self.log_path, "ab")  # noqa: SIM115 (closed in _stop)
        else:
            fd, name = tempfile.mkstemp(prefix="pulumi-dynamic-", suffix=".log")
            self.log_path = Path(name)
            self._owns_log = True
            self._log_file = os.fdopen(fd, "ab")
        self._final_log = None

        # stderr is appended to the log file directly by the child; stdout goes through a pipe (we need the
        # port line) and is copied into the same file by the pump.  Both use O_APPEND, so neither overwrites
        # the other.
        self._process = subprocess.Popen(
            [sys.executable, "-u", *self.python_args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            env=self._child_env(),
        )
        assert self._process.stdout is not None
        self._pump = _OutputPump(self._process.stdout, self._log_file)

        try:
            port = self._pump.port.get(timeout=self.startup_timeout)
        except queue.Empty:
            raise ProviderStartError(
                f"python -m pulumi.dynamic printed no port within {self.startup_timeout:g}s\n"
                f"--- provider output ---\n{self.log_text()}"
            ) from None
        if port is None:
            try:
                code: int | None = self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            raise ProviderStartError(
                f"python -m pulumi.dynamic exited (code {code}) before printing its port\n"
                f"--- provider output ---\n{self.log_text()}"
            )
        self.port = port

        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_GRPC_OPTIONS)
        try:
            grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
        except grpc.FutureTimeoutError:
            raise ProviderStartError(
                f"gRPC channel to 127.0.0.1:{port} not ready within {self.startup_timeout:g}s\n"
                f"--- provider output ---\n{self.log_text()}"
            ) from None
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

        # What the engine does after loading a plugin: GetPluginInfo, then Configure (CheckConfig/DiffConfig
        # are UNIMPLEMENTED by the dynamic provider and the engine tolerates that).
        info = self._call("GetPluginInfo", empty_pb2.Empty())
        self.plugin_version = info.version
        self.configure(self.initial_config)

    def _stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        pump, self._pump = self._pump, None
        if pump is not None:
            pump.close()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
            if self.log_path is not None:
                self._final_log = self.log_path.read_text(errors="replace")
                if self._owns_log:
                    self.log_path.unlink(missing_ok=True)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log_text(self) -> str:
        """Everything the server wrote to stdout/stderr so far (including the port line)."""
        if self._pump is not None:
            self._pump.drain()
        if self._log_file is not None and self.log_path is not None:
            self._log_file.flush()
            return self.log_path.read_text(errors="replace")
        return self._final_log or ""

    # -- RPC plumbing ----------------------------------------

    def _call(self, method: str, request: Any, timeout: float | None = None) -> Any:
        if self._stub is None:
            raise RuntimeError("ProviderServer is not running (use it as a context manager)")
        rpc_method = getattr(self._stub, method)
        try:
            return rpc_method(request, timeout=self.rpc_timeout if timeout is None else timeout)
        except grpc.RpcError as exn:
            code = exn.code() if hasattr(exn, "code") else None
            details = exn.details() if hasattr(exn, "details") else str(exn)
            raise ProviderError(method, code, details or "") from None

    def _props(self, props: Mapping[str, Any]) -> struct_pb2.Struct:
        return _to_struct(props, keep_secrets=self.accept_secrets)

    @staticmethod
    def _secret_keys(props: Mapping[str, Any]) -> frozenset[str]:
        return frozenset(k for k, v in props.items() if _is_secret_input(v))

    def _outputs(self, struct: struct_pb2.Struct, *inputs: Mapping[str, Any] | None) -> PropertyMap:
        secret_inputs: frozenset[str] = frozenset()
        if not self.accept_secrets:
            # The engine's annotateSecrets: an output named like a secret input is secret.
            for props in inputs:
                if props:
                    secret_inputs |= self._secret_keys(props)
        return _from_struct(struct, secret_inputs)

    # -- the ResourceProvider calls ----------------------------------------

    def configure(self, config: Mapping[str, Any]) -> None:
        """Send ``Configure``.  NB: providers the server has already deserialized keep their first config."""
        request = provider_pb2.ConfigureRequest(
            variables={k: _config_variable(v) for k, v in config.items()},
            args=_to_struct(config, keep_secrets=True),
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
        type_, name = _urn_type_and_name(urn)
        request = provider_pb2.CheckRequest(
            urn=urn,
            name=name,
            type=type_,
            olds=self._props(olds),
            news=self._props(news),
            randomSeed=os.urandom(32),
        )
        response = self._call("Check", request)
        return CheckOutcome(
            inputs=self._outputs(response.inputs, news),
            failures=[(f.property, f.reason) for f in response.failures],
        )

    def diff(
        self,
        urn: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        ignore_changes: list[str] | None = None,
    ) -> DiffOutcome:
        """``olds`` are the old *outputs* (state), ``news`` the new checked inputs (as for the engine)."""
        type_, name = _urn_type_and_name(urn)
        request = provider_pb2.DiffRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            olds=self._props(olds),
            news=self._props(news),
            old_inputs=self._props(old_inputs if old_inputs is not None else olds),
            ignoreChanges=ignore_changes or [],
        )
        response = self._call("Diff", request)
        changes: Literal["some", "none", "unknown"]
        if response.changes == provider_pb2.DiffResponse.DIFF_SOME:
            changes = "some"
        elif response.changes == provider_pb2.DiffResponse.DIFF_NONE:
            changes = "none"
        else:
            changes = "unknown"
        return DiffOutcome(
            changes=changes,
            replaces=list(response.replaces),
            delete_before_replace=bool(response.deleteBeforeReplace),
        )

    def create(self, urn: str, props: Mapping[str, Any], timeout: float = 600) -> tuple[str, PropertyMap]:
        _require_known("create", props)
        type_, name = _urn_type_and_name(urn)
        request = provider_pb2.CreateRequest(
            urn=urn, name=name, type=type_, properties=self._props(props), timeout=timeout, preview=False
        )
        response = self._call("Create", request, timeout=timeout + _CREATE_DEADLINE_GRACE)
        return response.id, self._outputs(response.properties, props)

    def read(self, urn: str, id: str, props: Mapping[str, Any], inputs: Mapping[str, Any] | None = None) -> ReadOutcome:
        """``props``: prior outputs (refresh); pass ``{}`` and ``inputs`` for an import / ``Resource.get``."""
        type_, name = _urn_type_and_name(urn)
        request = provider_pb2.ReadRequest(id=id, urn=urn, name=name, type=type_, properties=self._props(props))
        if inputs is not None:
            request.inputs.CopyFrom(self._props(inputs))
        response = self._call("Read", request)
        read_inputs = self._outputs(response.inputs, inputs) if response.HasField("inputs") else None
        return ReadOutcome(
            id=response.id,
            outs=self._outputs(response.properties, props, inputs),
            inputs=read_inputs,
        )

    def update(
        self,
        urn: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        timeout: float = 600,
    ) -> PropertyMap:
        """``olds`` are the old outputs (state), ``news`` the new checked inputs; returns the new outputs."""
        _require_known("update", news)
        type_, name = _urn_type_and_name(urn)
        request = provider_pb2.UpdateRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            olds=self._props(olds),
            news=self._props(news),
            old_inputs=self._props(old_inputs if old_inputs is not None else olds),
            timeout=timeout,
            preview=False,
        )
        response = self._call("Update", request, timeout=timeout + _CREATE_DEADLINE_GRACE)
        return self._outputs(response.properties, news)

    def delete(
        self,
        urn: str,
        id: str,
        props: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        timeout: float = 600,
    ) -> None:
        type_, name = _urn_type_and_name(urn)
        request = provider_pb2.DeleteRequest(
            id=id,
            urn=urn,
            name=name,
            type=type_,
            properties=self._props(props),
            old_inputs=self._props(old_inputs if old_inputs is not None else props),
            timeout=timeout,
        )
        self._call("Delete", request, timeout=timeout + _CREATE_DEADLINE_GRACE)
