"""The polling schedule: few requests, the server's hints honoured, nothing past the window."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pulumi_openai_run._core import waiting
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, RunScript, configured_provider

RUNS = r"/threads/[^/]+/runs"
RETRIEVE = r"/threads/[^/]+/runs/run_\w+"
STEPS = r"/threads/[^/]+/runs/run_\w+/steps"
MESSAGES = r"/threads/[^/]+/messages"
README = Path(__file__).resolve().parents[2] / "README.md"
# The polling rows of README's Performance table (run seconds -> requests), held equal to it below.
POLLED_REQUESTS = {0.6: 4, 5.0: 9, 30.0: 26}


def test_a_sub_second_run_costs_one_look(fake: FakeOpenAI, fake_clock: FakeApiClock) -> None:
    ids = {"assistant_id": fake.create_assistant()["id"], "thread_id": fake.create_thread()["id"]}
    fake.script_runs(RunScript(queued_for=0.1, duration=0.5))
    configured_provider(fake).create({**ids, "completion_window": 60.0})
    # create, one retrieve (no wasted look straight after the create), the steps, the messages
    assert [r.method for r in fake.requests] == ["POST", "GET", "GET", "GET"]
    assert fake.count("GET", RETRIEVE) == 1


def readme_polling_requests() -> dict[float, int]:
    """README's Performance table, its polling rows: run seconds -> requests (every HTTP request the mode made:
    the create, the looks, the steps and the messages)."""
    rows = re.findall(r"^\| ([\d.]+) s \| polling \| [\d.]+ \| [\d.]+ \| (\d+) \|$", README.read_text(), re.M)
    return {float(seconds): int(requests) for seconds, requests in rows}


def test_readme_states_the_polled_requests_tested_here() -> None:
    assert readme_polling_requests() == POLLED_REQUESTS


@pytest.mark.parametrize(("run_seconds", "requests"), POLLED_REQUESTS.items(), ids=lambda v: f"{v:g}")
def test_a_polled_run_costs_the_requests_readme_states(fake: FakeOpenAI, fake_clock: FakeApiClock,
                                                      run_seconds: float, requests: int) -> None:
    """As benchmarks/bench_wait.py runs it: queued for 0.1 s, then in progress, a window of 120 s."""
    ids = {"assistant_id": fake.create_assistant()["id"], "thread_id": fake.create_thread()["id"]}
    fake.script_runs(RunScript(queued_for=0.1, duration=run_seconds - 0.1))
    configured_provider(fake).create({**ids, "completion_window": 120.0})
    assert len(fake.requests) == requests
    # one create, one list of the steps and one of the messages; the rest are looks at the run
    assert (fake.count("POST", RUNS), fake.count("GET", STEPS), fake.count("GET", MESSAGES)) == (1, 1, 1)
    assert fake.count("GET", RETRIEVE) == requests - 3
    if run_seconds == 30.0:
        assert fake.count("GET", RETRIEVE) < 30  # openai-python's create_and_poll looks 31 times


def test_the_servers_poll_after_hint_is_honoured() -> None:
    with FakeOpenAI(poll_after_ms=2500) as fake:
        clock = FakeApiClock(fake)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(waiting, "clock", clock)
            ids = {"assistant_id": fake.create_assistant()["id"], "thread_id": fake.create_thread()["id"]}
            fake.script_runs(RunScript(queued_for=0.1, duration=9.0))
            configured_provider(fake).create({**ids, "completion_window": 60.0})
        assert clock.sleeps[1:] == [2.5] * (len(clock.sleeps) - 1)  # after the first look, the server's pace


@pytest.mark.parametrize(("attempt", "elapsed", "hint", "expected"), [
    (1, 0.0, None, 0.75), (2, 0.75, None, 1.0), (9, 8.75, None, 1.0), (30, 60.0, None, waiting.MAX_POLL),
    (1, 0.0, 0.2, 0.2), (5, 40.0, 3.0, 3.0),
])
def test_poll_interval(attempt: int, elapsed: float, hint: float | None, expected: float) -> None:
    assert waiting.poll_interval(attempt, elapsed, hint) == pytest.approx(expected)


def test_intervals_grow_after_the_steady_period_and_never_shrink() -> None:
    intervals = [waiting.poll_interval(10, elapsed, None) for elapsed in range(10, 60)]
    assert intervals == sorted(intervals) and intervals[-1] == waiting.MAX_POLL


def test_backoff_is_jittered_within_its_ceiling() -> None:
    deadline = waiting.Deadline(None)
    draws = {waiting.backoff(3, None, deadline) for _ in range(50)}
    assert len(draws) > 1 and all(1.0 <= d <= 2.0 for d in draws)  # full jitter in [ceiling/2, ceiling]
    assert waiting.backoff(3, 7.0, deadline) == 7.0  # a server's Retry-After wins
