"""The process side of the engine harness: run ``python -m pulumi.dynamic`` as the engine's plugin host does.

The Pulumi engine runs a Python dynamic provider through the ``pulumi-resource-pulumi-python`` plugin, which
is ``python -m pulumi.dynamic``: it prints its port on stdout and then serves ``pulumirpc.ResourceProvider``
over gRPC on 127.0.0.1.  :class:`ProviderProcess` spawns exactly that process, with the stack config in its
environment, and keeps its output.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar

import grpc

from pulumi_openai_run._core.waiting import TRANSIENT_RETRY_CEILING

from .wire import DEFAULT_PROJECT, Secret, config_variable

_P = TypeVar("_P", bound="ProviderProcess")

DEFAULT_STARTUP_TIMEOUT = 30.0
DEFAULT_RPC_TIMEOUT = TRANSIENT_RETRY_CEILING + 30.0
"""The deadline of an RPC without a timeout of its own (Read, Check, Diff, Configure): the provider's longest
bound on such a call (a Read retries for up to ``TRANSIENT_RETRY_CEILING``), and a grace for the last request."""
_GRPC_OPTIONS = [
    ("grpc.max_receive_message_length", 400 * 1024 * 1024),
    ("grpc.max_send_message_length", 400 * 1024 * 1024),
]


class ProviderStartError(RuntimeError):
    """The ``python -m pulumi.dynamic`` process did not come up (message includes its output)."""


class _OutputPump:
    """Copies the child's stdout into the log file and hands out the first all-digits line (the port).

    All reads of the pipe happen under ``lock`` and the fd is non-blocking, so :meth:`drain` (called by
    ``log_text``) can guarantee that everything the child wrote before the call is in the log file, without
    sleeping.
    """

    def __init__(self, stream: IO[bytes], log: IO[bytes], on_line: Callable[[str], None] | None = None,
                 *, scan_port: bool = True, name: str = "pulumi-dynamic-stdout") -> None:
        self._fd = stream.fileno()
        self._on_line = on_line
        self._pending = b""
        self._stream = stream
        self._log = log
        self.lock = threading.Lock()
        self.port: queue.Queue[int | None] = queue.Queue()
        self._line = b""
        self._port_found = not scan_port
        self._eof = False
        os.set_blocking(self._fd, False)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
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
                if self._pending:
                    self._emit_lines(b"\n")
                return
            self._log.write(data)
            self._log.flush()
            if not self._port_found:
                self._scan_for_port(data)
            if self._on_line is not None:
                self._emit_lines(data)

    def _emit_lines(self, data: bytes) -> None:
        """Hand each complete line to ``on_line`` (a callback error must not stop the copying)."""
        assert self._on_line is not None
        self._pending += data
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            with contextlib.suppress(Exception):
                self._on_line(line.decode(errors="replace").rstrip("\r"))

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


class ProviderProcess:
    """``python -m pulumi.dynamic`` in a child process: start it, find its port, open a channel, stop it.

    Use as a context manager; a subclass speaks over ``self._channel`` from :meth:`_handshake` on.  ``config``
    (the stack config, :class:`Secret` for secret values) is exported to the child as ``PULUMI_CONFIG`` /
    ``PULUMI_CONFIG_SECRET_KEYS`` like the engine does for dynamic providers, so ``pulumi.Config`` works inside
    the provider.  ``project`` becomes ``PULUMI_PROJECT``.  ``env`` is added to the child's environment (it
    wins over everything else; a ``PYTHONPATH`` in it is put first).  The child's stdout and stderr go to
    ``log_path`` (default: a temp file removed on exit; the text remains available from :meth:`log_text`).
    ``on_stderr_line`` (optional) is called with each line the child writes to stderr (its logging), from a
    reader thread, as it comes; the lines still go to the log too.
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
        on_stderr_line: Callable[[str], None] | None = None,
    ) -> None:
        self.on_stderr_line = on_stderr_line
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
        self._stderr_pump: _OutputPump | None = None
        self._channel: grpc.Channel | None = None
        self.port: int | None = None

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
        env["PULUMI_CONFIG"] = json.dumps({k: config_variable(v) for k, v in self.initial_config.items()})
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(
            [k for k, v in self.initial_config.items() if isinstance(v, Secret)]
        )
        env.update({k: v for k, v in self.env.items() if k != "PYTHONPATH"})
        return env

    def __enter__(self: _P) -> _P:
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
            raise RuntimeError(f"{type(self).__name__} already started")
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
            stderr=self._log_file if self.on_stderr_line is None else subprocess.PIPE,
            env=self._child_env(),
        )
        assert self._process.stdout is not None
        self._pump = _OutputPump(self._process.stdout, self._log_file)
        if self.on_stderr_line is not None:
            assert self._process.stderr is not None
            self._stderr_pump = _OutputPump(self._process.stderr, self._log_file, self.on_stderr_line,
                                            scan_port=False, name="pulumi-dynamic-stderr")

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
        self._handshake()

    def _handshake(self) -> None:
        """What happens once the channel is ready (the engine's first calls)."""

    def _stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for pump in (self._pump, self._stderr_pump):
            if pump is not None:
                pump.close()
        self._pump = self._stderr_pump = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
            if self.log_path is not None:
                self._final_log = self.log_path.read_text(errors="replace")
                if self._owns_log:
                    self.log_path.unlink(missing_ok=True)

    def kill(self) -> None:
        """Stop the server at once with SIGKILL, as a crashed or killed ``pulumi up`` leaves it: no handler
        runs, nothing is cleaned up; a call in flight ends with an RPC error. The log stays readable."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=5)
        self._stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log_text(self) -> str:
        """Everything the server wrote to stdout/stderr so far (including the port line)."""
        for pump in (self._pump, self._stderr_pump):
            if pump is not None:
                pump.drain()
        if self._log_file is not None and self.log_path is not None:
            self._log_file.flush()
            return self.log_path.read_text(errors="replace")
        return self._final_log or ""
