"""Ctrl-C reaches every wait: the engine's ``Cancel``, a process-wide interrupted signal, and a pool of
threads so that waits do not starve the engine's other calls.

The contract:

* :func:`interrupted` is true once the engine sent ``Cancel`` (the first Ctrl-C of ``pulumi up``); it is never
  cleared. Each ``pulumi up`` starts a fresh dynamic-provider server process, so a process-wide flag
  interrupts exactly the one ``up`` that was interrupted and never a later one.
* Every wait of the provider (``waiting.clock.sleep``, the only sleeper) wakes at once when the signal is set,
  and ``poll_until``/``with_retries`` then raise :class:`Interrupted`; an event stream being followed
  (``calls.follow_events``) is cut at once once it named its run (its first event): its socket is shut
  down from the thread that sets the signal, and the create then cancels the run.
* Waits inside :func:`uninterruptible` are not cut short (a create that was interrupted cancels its run and
  waits for the cancel to be confirmed there, within ``CANCEL_CEILING``).
* A create that starts after the signal fails at once: the engine is shutting down (``lifecycle.create``).

:func:`install_in_server` is called by every provider's ``configure()``. In the dynamic-provider server
(``python -m pulumi.dynamic``, whose ``Cancel`` is a no-op and whose gRPC server has 4 threads) it installs,
once per process, through grpc's per-method ``experimental_thread_pool`` (a handler's own executor):

* for ``Cancel``, an executor that sets the signal before the SDK's no-op answer runs;
* for ``Create``/``Read``/``Update``/``Delete``/``Check``/``Diff``, a pool of :data:`SERVER_THREADS` threads, so a
  waiting create no longer holds one of the server's 4 threads, and waits beyond 4 do not queue.

It checks every assumption first (the module, the servicer's methods, the running server in ``main()``'s
frame, that grpc picks the executor up); if any fails it changes nothing and warns once that Ctrl-C will not
interrupt waits. Outside that server (a program under ``set_mocks``, a provider used in-process) it does
nothing.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import types
import warnings
from collections.abc import Callable, Iterator
from concurrent import futures
from typing import Any

SERVER_THREADS = 256
"""Threads for the engine's resource calls in the dynamic-provider server (the SDK's own pool has 4);
started on demand. Waiting runs beyond this many queue."""
POOLED_METHODS = ("Create", "Read", "Update", "Delete", "Check", "Diff")
"""The servicer's methods that get the bigger pool (``Cancel`` gets its own executor)."""
SERVER_MODULE = "pulumi.dynamic.__main__"
SHAPE_WARNING = (
    "pulumi-openai-run: this Pulumi SDK's dynamic-provider server is not shaped as expected ({problem}), so "
    "Ctrl-C will not interrupt runs being waited for (each waits up to its completion_window), and more than "
    "4 waiting runs queue. Please report it with your pulumi version."
)

_signal = threading.Event()
_shield = threading.local()
_streams: dict[int, Callable[[], None]] = {}
_streams_lock = threading.Lock()
_install_lock = threading.Lock()
_installed: str | None = None
"""``None`` until :func:`install_in_server` ran: then "installed", "outside" or "fallback"."""


class Interrupted(Exception):
    """A wait was cut short: ``pulumi up`` was interrupted (the engine sent ``Cancel``)."""

    def __init__(self) -> None:
        super().__init__("`pulumi up` was interrupted (Ctrl-C): the provider stopped waiting.")


# --- the signal ------------------------------------------------------------------------------------


def interrupted() -> bool:
    """Whether the engine asked to stop, and this thread's waits may be cut short (not :func:`uninterruptible`)."""
    return _signal.is_set() and not getattr(_shield, "depth", 0)


def interrupt() -> None:
    """Set the signal: every wait wakes, every followed stream is cut. What ``Cancel`` does; idempotent."""
    _signal.set()
    with _streams_lock:
        cutters = list(_streams.values())
    for cut in cutters:
        with contextlib.suppress(Exception):
            cut()


def sleep(seconds: float) -> None:
    """Sleep ``seconds``, waking at once when interrupted (unless :func:`uninterruptible`)."""
    if seconds <= 0:
        return
    if getattr(_shield, "depth", 0):
        threading.Event().wait(seconds)
    else:
        _signal.wait(seconds)


def check() -> None:
    """Raise :class:`Interrupted` if interrupted."""
    if interrupted():
        raise Interrupted


@contextlib.contextmanager
def uninterruptible() -> Iterator[None]:
    """This thread's waits within are not cut short by the signal (their own deadlines still bound them)."""
    _shield.depth = getattr(_shield, "depth", 0) + 1
    try:
        yield
    finally:
        _shield.depth -= 1


class Watch:
    """A stream being followed; see :func:`watching`."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def arm(self) -> None:
        """From now on, :func:`interrupt` cuts the stream (the caller then checks :func:`interrupted`)."""
        with _streams_lock:
            _streams[id(self)] = lambda: _cut(self._stream)


@contextlib.contextmanager
def watching(stream: Any) -> Iterator[Watch]:
    """While within, once armed, :func:`interrupt` cuts ``stream`` (an openai ``Stream``): a read blocked on
    it returns."""
    watch = Watch(stream)
    try:
        yield watch
    finally:
        with _streams_lock:
            _streams.pop(id(watch), None)


def _cut(stream: Any) -> None:
    """End a blocked read of ``stream``: shut its socket down (httpx's documented ``network_stream``
    extension); closing a socket another thread reads does not wake that thread, shutting it down does."""
    response = getattr(stream, "response", None)
    network = getattr(response, "extensions", {}).get("network_stream")
    sock = network.get_extra_info("socket") if network is not None else None
    if isinstance(sock, socket.socket):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, also under TLS
    elif response is not None:
        response.close()


def _reset_for_tests() -> None:
    """Clear the signal (a test process interrupts itself more than once)."""
    _signal.clear()


# --- the server ------------------------------------------------------------------------------------


class _CancelExecutor(futures.ThreadPoolExecutor):
    """The executor of the servicer's ``Cancel``: sets the signal, then lets the SDK's handler answer."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> futures.Future[Any]:
        def signalled() -> Any:
            interrupt()
            return fn(*args, **kwargs)

        return super().submit(signalled)


def install_in_server() -> str:
    """Install the Cancel hook and the pool, once per process, if this is the dynamic-provider server;
    returns "installed", "outside" (not that server: nothing to do) or "fallback" (warned, nothing changed)."""
    global _installed
    with _install_lock:
        if _installed is None:
            _installed = _install(sys.modules.get("__main__"), sys._current_frames())
        return _installed


def _install(main: Any, frames: dict[int, types.FrameType]) -> str:
    spec = getattr(main, "__spec__", None)
    if getattr(spec, "name", None) != SERVER_MODULE:
        return "outside"
    try:
        servicer, targets = _inspect(main, frames)
        pool = futures.ThreadPoolExecutor(max_workers=SERVER_THREADS, thread_name_prefix="openai-run")
        cancel = _CancelExecutor(max_workers=2, thread_name_prefix="openai-run-cancel")
        _attach(targets, pool, cancel)
        _verify(servicer, pool, cancel)
    except Exception as problem:  # a shape not foreseen: change nothing, say so, and never fail configure
        detail = problem if isinstance(problem, _ShapeError) else f"{type(problem).__name__}: {problem}"
        with contextlib.suppress(Exception):  # even under PYTHONWARNINGS=error
            warnings.warn(SHAPE_WARNING.format(problem=detail), RuntimeWarning, stacklevel=1)
        return "fallback"
    return "installed"


class _ShapeError(Exception):
    """What is not as expected."""


def _inspect(main: Any, frames: dict[int, types.FrameType]) -> tuple[Any, dict[str, types.FunctionType]]:
    """The running servicer and its class's methods to hook, once each assumption is checked."""
    servicer_class = getattr(main, "DynamicResourceProviderServicer", None)
    main_function = getattr(main, "main", None)
    if not isinstance(servicer_class, type) or not isinstance(main_function, types.FunctionType):
        raise _ShapeError("no DynamicResourceProviderServicer or main() in pulumi.dynamic.__main__")
    targets = {}
    for name in (*POOLED_METHODS, "Cancel"):
        method = servicer_class.__dict__.get(name)
        if not isinstance(method, types.FunctionType):
            raise _ShapeError(f"DynamicResourceProviderServicer.{name} is not a plain method")
        targets[name] = method
    servicer, server = _running(main_function, frames, servicer_class)
    if servicer is None or server is None:
        raise _ShapeError("main() is not running a grpc server with a DynamicResourceProviderServicer")
    for name, method in targets.items():
        if getattr(getattr(servicer, name), "__func__", None) is not method:
            raise _ShapeError(f"the servicer's {name} is not its class's")
    return servicer, targets


def _running(main_function: types.FunctionType, frames: dict[int, types.FrameType],
             servicer_class: type) -> tuple[Any, Any]:
    """The servicer and the (synchronous) grpc server among the locals of the running ``main()``."""
    import grpc

    main_thread = threading.main_thread().ident
    frame = frames.get(main_thread) if main_thread is not None else None
    while frame is not None and frame.f_code is not main_function.__code__:
        frame = frame.f_back
    if frame is None:
        return None, None
    values = list(frame.f_locals.values())
    servicer = next((v for v in values if isinstance(v, servicer_class)), None)
    server = next((v for v in values if isinstance(v, grpc.Server)), None)
    return servicer, server


def _attach(targets: dict[str, types.FunctionType], pool: futures.ThreadPoolExecutor,
            cancel: futures.ThreadPoolExecutor) -> None:
    """grpc runs a handler on its behaviour's ``experimental_thread_pool``; a bound method reads its
    function's attributes, so setting them on the class's functions reaches the registered handlers."""
    for name, method in targets.items():
        if hasattr(method, "experimental_thread_pool"):
            raise _ShapeError(f"DynamicResourceProviderServicer.{name} already has a thread pool")
    for name, method in targets.items():
        method.experimental_thread_pool = cancel if name == "Cancel" else pool  # type: ignore[attr-defined]


def _verify(servicer: Any, pool: futures.ThreadPoolExecutor, cancel: futures.ThreadPoolExecutor) -> None:
    """Ask grpc which executor it would run the handlers on; undo everything if not ours."""
    try:
        from grpc import _server

        select = _server._select_thread_pool_for_behavior
        default = futures.ThreadPoolExecutor(max_workers=1)
        chosen = {name: select(getattr(servicer, name), default) for name in (*POOLED_METHODS, "Cancel")}
    except Exception as error:  # grpc moved it: we cannot tell
        chosen = {}
        reason = f"grpc's handler thread pools: {type(error).__name__}"
    else:
        reason = "grpc ignores a handler's experimental_thread_pool"
    expected = {**{name: pool for name in POOLED_METHODS}, "Cancel": cancel}
    if chosen != expected:
        for name in expected:
            with contextlib.suppress(AttributeError):
                del type(servicer).__dict__[name].experimental_thread_pool
        pool.shutdown(wait=False)
        cancel.shutdown(wait=False)
        raise _ShapeError(reason)
