"""A run is created exactly once across interrupted `pulumi up`s (issue 12), on both APIs, through the real
dynamic-provider server: a provider SIGKILLed mid-wait leaves a run that the next up with the same inputs
adopts (and cancels, if the inputs changed), a replacement never touches the run state records, a create
answer slower than the request timeout leaves one run, and a busy thread (conversation) is waited for on a
poll's schedule. Each test has its own server and journal directory (``PULUMI_OPENAI_RUN_JOURNAL``), counts
the runs on the fake after every fault, and asserts what a user would see: ids, statuses, the log."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pulumi_openai_run._apis import APIS
from pulumi_openai_run._runs.journal import JOURNAL_ENV
from pulumi_openai_run.testing import FakeOpenAI, Fault, ProviderError, ProviderServer, RunScript, Secret
from tests.apis import ASSISTANTS, ApiCase
from tests.engine.conftest import API_KEY, RUN_URN

IDENTITY = "openai-run-quickstart/dev/summary"
"""What the Run class sends as ``__identity`` (project/stack/resource name)."""
AWAIT = 30.0
"""Seconds a condition on the fake is awaited at most (they hold within a second or two)."""


def until(condition: Callable[[], Any], what: str) -> Any:
    """Await ``condition()`` (truthy), looking every 10 ms."""
    ends = time.monotonic() + AWAIT
    while time.monotonic() < ends:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"not within {AWAIT:g} s: {what}")


def server(fake: FakeOpenAI, journal: Path, **config: str) -> ProviderServer:
    return ProviderServer({"openai:apiKey": Secret(API_KEY), "openai:baseUrl": fake.base_url, **config},
                          project="openai-run-quickstart", env={"OPENAI_API_KEY": "", JOURNAL_ENV: str(journal)})


class Background:
    """A gRPC call on its own thread (the engine's Create, which holds its thread for the whole wait)."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], Any]) -> None:
        try:
            self.result = call()
        except BaseException as error:
            self.error = error

    def join(self) -> Any:
        self._thread.join(AWAIT + 60)
        assert not self._thread.is_alive(), "the call did not return"
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "journal"


@pytest.fixture
def news(api: ApiCase, api_ids: dict[str, str], blob: str) -> dict[str, Any]:
    return {**api_ids, "api": api.name, "completion_window": 60.0, "instructions": "Be brief.",
            "__identity": IDENTITY, "__provider": blob}


def up(engine: ProviderServer, news: dict[str, Any], olds: dict[str, Any] | None = None
       ) -> tuple[str, dict[str, Any]]:
    checked = engine.check(RUN_URN, olds or {}, news)
    assert checked.failures == []
    return engine.create(RUN_URN, checked.inputs)


def killed_mid_wait(fake: FakeOpenAI, api: ApiCase, journal: Path, news: dict[str, Any]) -> dict[str, Any]:
    """An up whose provider is SIGKILLed while it waits for its run (once the API named it): the run, which
    goes on, unrecorded."""
    thread = news["thread_id"]
    with server(fake, journal) as first:
        checked = first.check(RUN_URN, {}, news)
        waiting = Background(lambda: first.create(RUN_URN, checked.inputs))
        [run] = until(lambda: api.runs_on(fake, thread), "the first up's run exists")
        until(lambda: list(journal.glob("*.json")), "the journal names it")
        first.kill()
    with pytest.raises(ProviderError):
        waiting.join()
    assert [r["id"] for r in api.runs_on(fake, thread)] == [run["id"]]  # it goes on, and nothing else
    assert api.run(fake, run["id"])["status"] in ("queued", "in_progress")
    return run


@pytest.mark.parametrize("stream", [False, True], ids=["polling", "streaming"])
def test_the_next_up_adopts_the_run_a_killed_up_started(fake: FakeOpenAI, api: ApiCase, journal: Path,
                                                        news: dict[str, Any], stream: bool) -> None:
    adopted_after_a_kill(fake, api, journal, journal, {**news, "stream_for_tool": stream})
    assert list(journal.glob("*.json")) == []  # the create is over: its entry is gone


@pytest.mark.parametrize("stream", [False, True], ids=["polling", "streaming"])
def test_without_the_journal_the_thread_s_runs_are_enough_on_assistants(
        fake: FakeOpenAI, journal: Path, tmp_path: Path, blob: str, stream: bool) -> None:
    """A next up on another machine (no journal): Assistants runs can be listed, and carry their marker, so
    one still running is found. (A finished one is not adopted on the list's word alone: a resource created
    again after a destroy has the same marker as its first lifetime's runs. Responses cannot be listed: there,
    only the journal finds a killed up's response.)"""
    news = {**ASSISTANTS.seed(fake), "api": "assistants", "completion_window": 60.0, "instructions": "Be brief.",
            "__identity": IDENTITY, "__provider": blob, "stream_for_tool": stream}
    adopted_after_a_kill(fake, ASSISTANTS, journal, tmp_path / "elsewhere", news, duration=5.0)


def adopted_after_a_kill(fake: FakeOpenAI, api: ApiCase, journal: Path, next_journal: Path,
                         news: dict[str, Any], duration: float = 2.0) -> None:
    fake.script_runs(RunScript(queued_for=0.05, duration=duration))
    run = killed_mid_wait(fake, api, journal, news)
    with server(fake, next_journal) as second:
        run_id, state = up(second, news)
        log = second.log_text()
    assert run_id == run["id"] and state["status"] == "completed"  # the same run, seen through
    assert [r["id"] for r in api.runs_on(fake, news["thread_id"])] == [run_id]  # and no second one
    assert f"Adopted {APIS[api.name].run_word} {run_id}" in log and API_KEY not in log


def test_the_next_up_with_other_inputs_cancels_the_killed_ups_run(fake: FakeOpenAI, api: ApiCase, journal: Path,
                                                                  news: dict[str, Any]) -> None:
    fake.script_runs(RunScript(queued_for=0.05, duration=30.0), RunScript(queued_for=0.05, duration=0.2))
    run = killed_mid_wait(fake, api, journal, news)

    changed = {**news, "instructions": "Be thorough."}  # the program changed between the two ups
    with server(fake, journal) as second:
        run_id, state = up(second, changed)
        log = second.log_text()
    assert run_id != run["id"] and state["status"] == "completed"
    runs = {r["id"]: r["status"] for r in api.runs_on(fake, news["thread_id"])}
    assert runs == {run["id"]: "cancelled", run_id: "completed"}  # the stray stopped, one new run
    assert f"Cancelled {APIS[api.name].run_word} {run['id']}" in log


def test_a_replacement_never_adopts_nor_cancels_the_run_state_records(fake: FakeOpenAI, api: ApiCase,
                                                                       journal: Path, news: dict[str, Any]) -> None:
    fake.script_runs(RunScript(queued_for=0.05, duration=1.5), RunScript(queued_for=0.05, duration=0.2))
    recorded = {key: value for key, value in news.items() if key != "completion_window"}  # returns at once
    with server(fake, journal) as engine:
        checked = engine.check(RUN_URN, {}, recorded)
        old_id, old_state = engine.create(RUN_URN, checked.inputs)
        assert old_state["status"] in ("queued", "in_progress")  # state holds R, still running
        # `pulumi up --replace` with the same inputs: check gets R's inputs (its generation) as olds
        replaced = engine.check(RUN_URN, checked.inputs, news)
        assert replaced.inputs["__generation"] != checked.inputs["__generation"]
        new_id, state = engine.create(RUN_URN, replaced.inputs)
    assert new_id != old_id and state["status"] == "completed"
    runs = {r["id"]: r["status"] for r in api.runs_on(fake, news["thread_id"])}
    assert runs == {old_id: "completed", new_id: "completed"}  # R ran to its end: neither adopted nor cancelled


def test_a_create_answer_slower_than_the_request_timeout_leaves_one_run(fake: FakeOpenAI, api: ApiCase,
                                                                        journal: Path,
                                                                        news: dict[str, Any]) -> None:
    """The first create is processed 1.5 s late, after its retry made the run: the thread (conversation) is
    busy with it then, so the late request makes nothing."""
    fake.script_runs(RunScript(queued_for=0.05, duration=3.0))
    fake.inject(Fault(method="POST", path=api.create_path(news["thread_id"]), kind="delay", delay=1.5))
    with server(fake, journal, **{"openai:requestTimeout": "0.5"}) as engine:
        checked = engine.check(RUN_URN, {}, {k: v for k, v in news.items() if k != "completion_window"})
        run_id, _ = engine.create(RUN_URN, checked.inputs)
        assert [r["id"] for r in api.runs_on(fake, news["thread_id"])] == [run_id]  # after the create
        until(lambda: api.run(fake, run_id)["status"] == "completed", "the run ends")  # after the late request
    assert [r["id"] for r in api.runs_on(fake, news["thread_id"])] == [run_id]
    assert fake.count("POST", api.create_path(news["thread_id"])) >= 2  # the late one, and its retry


def refused_and_made(fake: FakeOpenAI, api: ApiCase, thread: str) -> int:
    """How many creates on ``thread`` were refused (every create sent, less the runs made)."""
    sent = [r for r in fake.requests if r.method == "POST" and r.path == api.create_path(thread)
            and (api is ASSISTANTS or (r.json or {}).get("conversation") == thread)]
    return len(sent) - len(api.runs_on(fake, thread))


def test_a_create_on_a_busy_thread_starts_as_soon_as_the_run_holding_it_ends(
        fake: FakeOpenAI, api: ApiCase, journal: Path, news: dict[str, Any]) -> None:
    # the holder runs 4 s: retried on the error backoff (0.5 s doubling), a waiting create is refused 4 times
    fake.script_runs(RunScript(queued_for=0.05, duration=4.0), RunScript(queued_for=0.05, duration=0.2))
    thread = news["thread_id"]
    with server(fake, journal) as engine:
        first_inputs = engine.check(RUN_URN, {}, news).inputs
        other = {**news, "__identity": IDENTITY + "-2"}
        second_urn = RUN_URN + "-2"
        second_inputs = engine.check(second_urn, {}, other).inputs
        first = Background(lambda: engine.create(RUN_URN, first_inputs))
        until(lambda: api.runs_on(fake, thread), "the first run exists")
        second_id, second_state = engine.create(second_urn, second_inputs)
        first_id, _ = first.join()
    holder, made = api.run(fake, first_id), api.run(fake, second_id)
    assert second_state["status"] == "completed" and holder["status"] == "completed"  # neither cancelled
    assert len(api.runs_on(fake, thread)) == 2
    assert made["created_at"] >= holder["completed_at"]  # it waited for the first to end ...
    assert refused_and_made(fake, api, thread) <= 2  # ... on the holder's status, not by asking again and again
