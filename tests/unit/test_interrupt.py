"""The interruption (``_core/interrupt.py``): waits end when it comes, streams are cut, shielded waits run their
course; and its installation in the dynamic-provider server checks the server's shape, changing nothing (with
one warning) when the shape is not the one expected, and nothing at all outside that server."""

from __future__ import annotations

import socket
import sys
import threading
import types
import warnings
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc
import pytest
from grpc import _server

from pulumi_openai_run._apis.assistants import ASSISTANTS
from pulumi_openai_run._core import interrupt, waiting
from pulumi_openai_run._core.calls import follow_events
from pulumi_openai_run._core.errors import ApiError, RunInterruptedError
from pulumi_openai_run._core.waiting import Deadline, Interrupted, Polled, poll_until, with_retries
from pulumi_openai_run._runs import lifecycle
from pulumi_openai_run._runs.backend import RunRef, RunView
from pulumi_openai_run._runs.fields import RUN_FIELDS
from pulumi_openai_run._runs.identity import marker_for
from tests.conftest import SteppedClock

GIVE_UP = 30.0  # a hang guard only


@pytest.fixture(autouse=True)
def _fresh_signal() -> Iterator[None]:
    interrupt._reset_for_tests()
    yield
    interrupt._reset_for_tests()


# --- waits ------------------------------------------------------------------------------------------


def test_poll_until_stops_when_interrupted(stepped_clock: SteppedClock) -> None:
    looks = []

    def fetch() -> tuple[int, Polled]:
        looks.append(1)
        if len(looks) == 3:
            interrupt.interrupt()
        return len(looks), Polled(done=False)

    with pytest.raises(Interrupted, match="`pulumi up` was interrupted"):
        poll_until(fetch, Deadline(600))
    assert len(looks) == 3  # no look after the interruption


def test_with_retries_stops_backing_off_when_interrupted(stepped_clock: SteppedClock) -> None:
    def call() -> None:
        interrupt.interrupt()
        raise ConnectionError("lost")

    with pytest.raises(Interrupted):
        with_retries(call, Deadline(600), lambda e: True, lambda e: None)


def test_shielded_waits_run_their_course(stepped_clock: SteppedClock) -> None:
    interrupt.interrupt()
    looks = iter(range(5))
    with interrupt.uninterruptible():
        assert poll_until(lambda: (n := next(looks), Polled(done=n == 3))[::1], Deadline(600)) == 3
    with pytest.raises(Interrupted):
        poll_until(lambda: (0, Polled(done=False)), Deadline(600), seen=Polled(done=False))


def test_the_system_clock_wakes_at_once() -> None:
    slept = threading.Thread(target=waiting.SystemClock().sleep, args=(3600,))
    slept.start()
    interrupt.interrupt()
    slept.join(GIVE_UP)
    assert not slept.is_alive()


class _Stream:
    """An openai Stream as follow_events sees it: events read from a socket, the socket in httpx's extension."""

    def __init__(self, sock: socket.socket, method: str = "POST") -> None:
        self.sock = sock
        network = types.SimpleNamespace(get_extra_info=lambda name: sock if name == "socket" else None)
        self.response = types.SimpleNamespace(extensions={"network_stream": network},
                                              request=types.SimpleNamespace(method=method))
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        while data := self.sock.recv(100):  # blocks until an event comes, or the socket is shut down
            yield data

    def close(self) -> None:
        self.closed = True


def test_an_interruption_cuts_a_stream_blocked_in_a_read() -> None:
    ours, theirs = socket.socketpair()
    stream = _Stream(ours)
    events: list[bytes] = []
    following = threading.Thread(target=follow_events, args=(stream, Deadline(None), events.append))
    following.start()
    theirs.sendall(b"event")  # one event, then the server is silent
    while not events:
        following.join(0.01)
    interrupt.interrupt()
    following.join(GIVE_UP)
    assert not following.is_alive() and stream.closed and events == [b"event"]
    ours.close()
    theirs.close()


def test_a_stream_opened_after_the_interruption_ends_after_its_first_event() -> None:
    """The first event names the run (which the create then cancels): it is read, and nothing after it."""
    ours, theirs = socket.socketpair()
    theirs.sendall(b"first")  # and then the server is silent: a second read would block
    interrupt.interrupt()
    events: list[bytes] = []
    follow_events(_Stream(ours), Deadline(None), events.append)
    assert events == [b"first"]
    ours.close()
    theirs.close()


# --- installing in the server -----------------------------------------------------------------------

METHODS = ("Create", "Read", "Update", "Delete", "Check", "Diff", "Cancel")


def server_module(name: str = interrupt.SERVER_MODULE, drop: str | None = None,
                  replace: dict[str, Any] | None = None) -> types.ModuleType:
    """A module shaped like ``pulumi.dynamic.__main__``: the servicer class and main()."""
    module = types.ModuleType("__main__")
    module.__spec__ = types.SimpleNamespace(name=name)  # type: ignore[assignment]
    namespace: dict[str, Any] = {m: (lambda self, request, context: None) for m in METHODS if m != drop}
    namespace.update(replace or {})
    module.DynamicResourceProviderServicer = type("DynamicResourceProviderServicer", (), namespace)  # type: ignore[attr-defined]

    def main() -> str:  # the SDK's main(): the servicer and the server are its locals while it serves
        monitor = module.DynamicResourceProviderServicer()  # type: ignore[attr-defined]  # noqa: F841
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))  # noqa: F841
        frame = sys._getframe()
        return interrupt._install(module, {threading.main_thread().ident or 0: frame})

    module.main = main  # type: ignore[attr-defined]
    return module


def pools(module: types.ModuleType) -> dict[str, Any]:
    servicer_class = module.DynamicResourceProviderServicer
    return {m: getattr(servicer_class.__dict__.get(m), "experimental_thread_pool", None) for m in METHODS}


def test_in_the_server_cancel_sets_the_signal_and_waits_get_their_own_pool() -> None:
    module = server_module()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert module.main() == "installed"
    servicer = module.DynamicResourceProviderServicer()
    default = futures.ThreadPoolExecutor(max_workers=1)
    chosen = {m: _server._select_thread_pool_for_behavior(getattr(servicer, m), default) for m in METHODS}
    assert len({id(chosen[m]) for m in METHODS if m != "Cancel"}) == 1
    assert chosen["Create"]._max_workers == interrupt.SERVER_THREADS
    assert chosen["Cancel"] is not chosen["Create"] and default not in chosen.values()

    assert not interrupt.interrupted()
    answered = chosen["Cancel"].submit(lambda: "the SDK's answer")
    assert answered.result(GIVE_UP) == "the SDK's answer" and interrupt.interrupted()


@pytest.mark.parametrize(("shape", "problem"), [
    ({"drop": "Cancel"}, "DynamicResourceProviderServicer.Cancel is not a plain method"),
    ({"replace": {"Create": staticmethod(lambda request, context: None)}},
     "DynamicResourceProviderServicer.Create is not a plain method"),
], ids=["no Cancel", "Create not a method"])
def test_an_unexpected_servicer_changes_nothing_and_warns(shape: dict[str, Any], problem: str) -> None:
    module = server_module(**shape)
    with pytest.warns(RuntimeWarning) as warned:
        assert module.main() == "fallback"
    [warning] = warned
    assert problem in str(warning.message)
    assert "Ctrl-C will not interrupt runs being waited for" in str(warning.message)
    assert set(pools(module).values()) == {None}


def test_a_server_not_running_main_changes_nothing_and_warns() -> None:
    module = server_module()
    with pytest.warns(RuntimeWarning, match="main\\(\\) is not running a grpc server"):
        assert interrupt._install(module, {}) == "fallback"
    assert set(pools(module).values()) == {None}


def test_grpc_ignoring_the_handlers_pool_undoes_everything_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_server, "_select_thread_pool_for_behavior", lambda behavior, default: default)
    module = server_module()
    with pytest.warns(RuntimeWarning, match="grpc ignores a handler's experimental_thread_pool"):
        assert module.main() == "fallback"
    assert set(pools(module).values()) == {None}


def test_grpc_without_per_handler_pools_changes_nothing_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(_server, "_select_thread_pool_for_behavior")
    module = server_module()
    with pytest.warns(RuntimeWarning, match="grpc's handler thread pools: AttributeError"):
        assert module.main() == "fallback"
    assert set(pools(module).values()) == {None}


def test_outside_the_server_nothing_happens() -> None:
    module = server_module(name="my_program")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert module.main() == "outside"
    assert set(pools(module).values()) == {None}
    assert interrupt.install_in_server() == "outside"  # pytest is no dynamic-provider server


def test_a_stream_of_a_known_run_is_cut_before_its_first_event() -> None:
    """A resumed stream (a GET of a run the caller knows) may stay silent: it is not waited on at all."""
    ours, theirs = socket.socketpair()
    interrupt.interrupt()
    events: list[bytes] = []
    follow_events(_Stream(ours, method="GET"), Deadline(None), events.append)
    assert events == []
    ours.close()
    theirs.close()


def test_a_silent_stream_of_a_known_run_is_cut_when_the_interruption_comes() -> None:
    ours, theirs = socket.socketpair()
    following = threading.Thread(target=follow_events, args=(_Stream(ours, method="GET"), Deadline(None), print))
    following.start()
    interrupt.interrupt()
    following.join(GIVE_UP)
    assert not following.is_alive()
    ours.close()
    theirs.close()


# --- the create that is interrupted -----------------------------------------------------------------


class StubBackend:
    """A backend whose run is seen in ``looks`` one get() after another (the last one repeats)."""

    api = ASSISTANTS
    active = frozenset({"queued", "in_progress", "cancelling"})
    succeeded = frozenset({"completed"})

    def __init__(self, *looks: str, cancel: str | Exception = "cancelling", interrupt_at: int | None = None) -> None:
        self.looks = list(looks)
        self.cancel_answer = cancel
        self.interrupt_at = interrupt_at
        self.calls: list[str] = []

    def _view(self, status: str) -> RunView:
        return RunView(id="run_1", status=status, outputs={"status": status})

    def start(self, inputs: Any, deadline: Deadline) -> RunView:
        self.calls.append("start")
        return self._view("queued")

    def get(self, ref: RunRef, deadline: Deadline) -> RunView:
        self.calls.append("get")
        if self.calls.count("get") == self.interrupt_at:
            interrupt.interrupt()
        return self._view(self.looks.pop(0) if len(self.looks) > 1 else self.looks[0])

    def cancel(self, ref: RunRef, deadline: Deadline) -> RunView:
        self.calls.append("cancel")
        if isinstance(self.cancel_answer, Exception):
            raise self.cancel_answer
        return self._view(self.cancel_answer)


WAITED = {"assistant_id": "asst_a", "thread_id": "thread_t", "completion_window": 600.0}


def create(backend: StubBackend) -> Any:
    """The lifecycle's create of ``WAITED``, with a marker of no identity (nothing earlier to look for)."""
    return lifecycle.create(backend, WAITED, marker_for(RUN_FIELDS, WAITED), "assistants")  # type: ignore[arg-type]


def test_an_interrupted_create_cancels_its_run_and_waits_for_the_confirmation(stepped_clock: SteppedClock) -> None:
    backend = StubBackend("in_progress", "in_progress", "cancelling", "cancelling", "cancelled", interrupt_at=2)
    with pytest.raises(RunInterruptedError) as raised:
        create(backend)
    assert str(raised.value) == (
        "Run run_1 on thread thread_t was cancelled: `pulumi up` was interrupted (Ctrl-C; the engine sent Cancel) "
        "while the run was awaited, and the cancel is confirmed. It is not recorded in the stack; `pulumi up` "
        "again starts a new run.")
    # polled until the interruption, then cancelled, and the cancel awaited in spite of the signal
    assert backend.calls == ["start", "get", "get", "cancel", "get", "get", "get", "get"]


def test_an_interrupted_create_whose_cancel_fails_says_the_run_may_still_run(stepped_clock: SteppedClock) -> None:
    backend = StubBackend("in_progress", cancel=ApiError("Could not cancel run run_1: boom (HTTP 500)."),
                          interrupt_at=1)
    with pytest.raises(RunInterruptedError) as raised:
        create(backend)
    assert str(raised.value) == (
        "`pulumi up` was interrupted (Ctrl-C; the engine sent Cancel) while run run_1 on thread thread_t was "
        "awaited. It was asked to cancel, but that could not be confirmed (Could not cancel run run_1: boom "
        "(HTTP 500)), so it may still be running, and billing, and is not in the stack: stop it by hand with POST "
        "<openai:baseUrl>/threads/thread_t/runs/run_1/cancel (header OpenAI-Beta: assistants=v2).")


def test_a_create_after_the_interruption_starts_nothing(stepped_clock: SteppedClock) -> None:
    interrupt.interrupt()
    backend = StubBackend("in_progress")
    with pytest.raises(RunInterruptedError, match="before this run was created on thread thread_t: nothing was"):
        create(backend)
    assert backend.calls == []
