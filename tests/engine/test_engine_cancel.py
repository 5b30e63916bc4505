"""Ctrl-C during `pulumi up`: the engine's ``Cancel`` reaches every waiting create (polling, or following the run's
event stream), each run is cancelled and the cancel confirmed, and each create fails saying so; and waiting creates
hold none of the dynamic-provider server's 4 threads, so they neither queue behind each other nor hold up the
engine's other calls.

The interruption is process-wide and final (each `pulumi up` starts a fresh server), so every test here starts its
own server. Waits for the fake to reach a state poll it (the fake announces nothing); the runs take ten minutes, so
a create that the interruption did not reach would still be waiting when the test gives up on it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pulumi_openai_run import Run
from pulumi_openai_run._apis import APIS
from pulumi_openai_run.testing import FakeOpenAI, ProviderError, ProviderServer, RunScript, Secret, urn
from tests.apis import ASSISTANTS, ApiCase
from tests.engine.conftest import API_KEY

LONG = RunScript(queued_for=0.0, duration=600.0)
"""Runs that would outlast every test: only an interruption ends their creates."""
GIVE_UP = 60.0
"""Seconds after which a test stops waiting for something that should happen at once (a hang guard only)."""
ACTIVE = ("queued", "in_progress")


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=16) as executor:  # the engine sends independent creates at once
        yield executor


@pytest.fixture
def server(pool: ThreadPoolExecutor, fake: FakeOpenAI, tmp_path: Path) -> Iterator[ProviderServer]:
    """A fresh server; stopped before ``pool`` (a create still waiting then ends with it)."""
    config = {"openai:apiKey": Secret(API_KEY), "openai:baseUrl": fake.base_url}
    with ProviderServer(config, log_path=tmp_path / "provider.log", project="openai-run-quickstart",
                        env={"OPENAI_API_KEY": ""}, rpc_timeout=GIVE_UP) as running:
        yield running
    log = running.log_text()
    assert API_KEY not in log and "Ctrl-C will not interrupt" not in log  # the hooks went in, without a warning


def eventually(condition: Callable[[], bool], what: str) -> None:
    """Wait until ``condition()`` holds (the fake announces nothing: look every 20 ms); fail after GIVE_UP."""
    done = threading.Event()
    deadline = threading.Timer(GIVE_UP, done.set)
    deadline.start()
    try:
        while not condition():
            if done.wait(0.02):
                pytest.fail(f"not within {GIVE_UP:g} s: {what}")
    finally:
        deadline.cancel()


def start_creates(server: ProviderServer, pool: ThreadPoolExecutor, api: ApiCase, fake: FakeOpenAI, blob: str,
                  count: int, **more: Any) -> tuple[list[dict[str, str]], list[Future[Any]]]:
    """``count`` Runs created at once, each on its own thread (conversation), each waiting for its run; returns
    when all their runs are active on the fake at the same time."""
    seeded = [api.seed(fake) for _ in range(count)]
    fake.script_runs(*[LONG] * count)
    creates = []
    for ids in seeded:
        news = {**ids, "api": api.name, "completion_window": 900.0, **more, "__provider": blob}
        checked = server.check(urn(Run, ids["thread_id"]), {}, news)
        assert checked.failures == []
        creates.append(pool.submit(server.create, urn(Run, ids["thread_id"]), checked.inputs, timeout=900))

    def all_active() -> bool:
        runs = [api.runs_on(fake, ids["thread_id"]) for ids in seeded]
        return all(len(found) == 1 and found[0]["status"] in ACTIVE for found in runs)

    eventually(all_active, f"all {count} runs active at once")
    assert not any(create.done() for create in creates)
    return seeded, creates


def failure(create: Future[Any]) -> str:
    """The error a create ended with (what `pulumi up` shows)."""
    error = create.exception(timeout=GIVE_UP)
    assert isinstance(error, ProviderError), error
    return error.details


@pytest.mark.parametrize("stream", [False, True], ids=["polling", "stream_for_tool"])
def test_cancel_ends_every_waiting_create_and_cancels_its_run(server: ProviderServer, pool: ThreadPoolExecutor,
                                                              fake: FakeOpenAI, blob: str, api: ApiCase,
                                                              stream: bool) -> None:
    seeded, creates = start_creates(server, pool, api, fake, blob, 6, **({"stream_for_tool": True} if stream else {}))

    server.cancel()

    for ids, create in zip(seeded, creates, strict=True):
        message = failure(create)
        [run] = api.runs_on(fake, ids["thread_id"])  # cancelled, and no second run made
        assert run["status"] == "cancelled"
        words = APIS[api.name]
        assert (f"{words.run_word.capitalize()} {run['id']} on {words.thread_word} {ids['thread_id']} was "
                "cancelled: `pulumi up` was interrupted (Ctrl-C; the engine sent Cancel) while the "
                f"{words.run_word} was awaited, and the cancel is confirmed.") in message
        assert f"`pulumi up` again starts a new {words.run_word}" in message


def test_a_create_after_the_interruption_starts_nothing(server: ProviderServer, pool: ThreadPoolExecutor,
                                                        fake: FakeOpenAI, blob: str, api: ApiCase,
                                                        api_ids: dict[str, str]) -> None:
    _, creates = start_creates(server, pool, api, fake, blob, 1)
    server.cancel()
    failure(creates[0])
    fake.clear_requests()

    with pytest.raises(ProviderError) as raised:
        server.create(urn(Run, "late"), {**api_ids, "api": api.name, "completion_window": 900.0, "__provider": blob})

    words = APIS[api.name]
    assert (f"`pulumi up` was interrupted (Ctrl-C; the engine sent Cancel) before this {words.run_word} was "
            f"created on {words.thread_word} "
            f"{api_ids['thread_id']}: nothing was started.") in raised.value.details
    assert api.runs_on(fake, api_ids["thread_id"]) == []
    assert fake.requests == []  # not a single request: the engine is shutting down


@pytest.mark.parametrize("stream", [False, True], ids=["polling", "stream_for_tool"])
def test_waiting_creates_run_side_by_side_and_check_answers_meanwhile(server: ProviderServer,
                                                                      pool: ThreadPoolExecutor, fake: FakeOpenAI,
                                                                      blob: str, api: ApiCase, api_ids: dict[str, str],
                                                                      stream: bool) -> None:
    # 8 creates, twice the server's 4 threads: all 8 runs are active on the fake at the same time
    _, creates = start_creates(server, pool, api, fake, blob, 8, **({"stream_for_tool": True} if stream else {}))

    # and another resource's Check and Diff answer while all 8 wait
    news = {**api_ids, "api": api.name, "completion_window": 900.0, "__provider": blob}
    checked = server.check(urn(Run, "other"), {}, news)
    assert checked.failures == []
    state = {**checked.inputs, "status": "completed"}
    assert server.diff(urn(Run, "other"), "run_other", state, checked.inputs).changes == "none"
    assert not any(create.done() for create in creates)

    server.cancel()
    assert all("was cancelled" in failure(create) for create in creates)


def test_a_create_waiting_for_a_busy_thread_stops_and_says_what_to_check(server: ProviderServer, fake: FakeOpenAI,
                                                                          pool: ThreadPoolExecutor, blob: str) -> None:
    ids = ASSISTANTS.seed(fake)
    fake.script_runs(LONG)
    urn_ = urn(Run, ids["thread_id"])
    first, _ = server.create(urn_, {**ids, "__provider": blob})  # no window: created, not awaited
    waiting = pool.submit(server.create, urn(Run, "second"), {**ids, "completion_window": 900.0, "__provider": blob})
    eventually(lambda: fake.count("POST", ASSISTANTS.create_path(ids["thread_id"])) >= 2,
               "the second create refused for the busy thread, and backing off")

    server.cancel()

    assert (f"`pulumi up` was interrupted (Ctrl-C; the engine sent Cancel) while this run was being created on "
            f"thread {ids['thread_id']}, before the API named it, so no run is recorded.") in failure(waiting)
    assert [run["id"] for run in ASSISTANTS.runs_on(fake, ids["thread_id"])] == [first]  # none was made
