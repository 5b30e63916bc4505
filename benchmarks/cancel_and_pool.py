"""Waiting runs side by side, the engine's other calls while they wait, and Ctrl-C (the engine's Cancel).

    .venv/bin/python benchmarks/cancel_and_pool.py [--runs 12] [--run-seconds 2] [--checks 10] [--cancel-runs 8]

Against the fake over HTTP, through the real dynamic-provider server (`python -m pulumi.dynamic`) over gRPC, as
the engine drives it, this prints:

* N Creates sent at once, each waiting for its own run of --run-seconds: the wall time, next to one run's time
  and to ceil(N/4) x one run (what the SDK's 4-thread server makes of it when each wait holds a thread);
* the latency of another resource's Check while 8 runs wait (runs of 5 s; the first, the median and the worst of
  --checks, one after another);
* the time from Cancel to every one of --cancel-runs waiting Creates having answered (runs of 15 s), and how
  they ended (interrupted: failed saying their run was cancelled; completed: the wait went on regardless).
"""

from __future__ import annotations

import argparse
import math
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from _common import median, table
from google.protobuf import empty_pb2  # type: ignore[import-untyped,unused-ignore]
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_openai_run import Run, RunProvider
from pulumi_openai_run.testing import FakeOpenAI, ProviderError, ProviderServer, RunScript, Secret, urn


def _server(fake: FakeOpenAI) -> ProviderServer:
    config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url}
    return ProviderServer(config, env={"OPENAI_API_KEY": ""}, rpc_timeout=600)


def _create(server: ProviderServer, assistant: str, thread: str, blob: str) -> str:
    props = {"assistant_id": assistant, "thread_id": thread, "completion_window": 600.0, "__provider": blob}
    try:
        return str(server.create(urn(Run, thread), props)[1]["status"])
    except ProviderError as error:
        return "interrupted" if "was interrupted" in error.details else "failed"


def _warm(server: ProviderServer, fake: FakeOpenAI, assistant: str, blob: str) -> None:
    """Load the provider and build its client first (what one `pulumi up` pays once)."""
    fake.script_runs(RunScript(queued_for=0.0, duration=0.05))
    _create(server, assistant, fake.create_thread(messages=["Hi"])["id"], blob)


def _active(fake: FakeOpenAI, threads: list[str], count: int) -> None:
    """Wait until ``count`` of the threads' runs are active on the fake (polled: the fake announces nothing)."""
    while sum(run["status"] in ("queued", "in_progress") for t in threads for run in fake.runs_on(t)) < count:
        time.sleep(0.01)


def side_by_side(fake: FakeOpenAI, assistant: str, blob: str, runs: int, seconds: float) -> list[tuple[Any, ...]]:
    rows = []
    with _server(fake) as server:
        _warm(server, fake, assistant, blob)
        single = None
        for count in (1, runs):
            threads = [fake.create_thread(messages=["Hi"])["id"] for _ in range(count)]
            fake.script_runs(*[RunScript(queued_for=0.1, duration=seconds - 0.1)] * count)
            start = time.monotonic()
            with ThreadPoolExecutor(max_workers=count) as pool:
                statuses = list(pool.map(lambda t: _create(server, assistant, t, blob), threads))
            elapsed = time.monotonic() - start
            assert statuses == ["completed"] * count, statuses
            single = single or elapsed
            rows.append((count, elapsed, single, math.ceil(count / 4) * single))
    return rows


def check_latency(fake: FakeOpenAI, assistant: str, blob: str, checks: int) -> tuple[float, float, float]:
    with _server(fake) as server:
        _warm(server, fake, assistant, blob)
        threads = [fake.create_thread(messages=["Hi"])["id"] for _ in range(8)]
        fake.script_runs(*[RunScript(queued_for=0.0, duration=5.0)] * 8)
        news = {"assistant_id": assistant, "thread_id": threads[0], "completion_window": 60.0, "__provider": blob}
        with ThreadPoolExecutor(max_workers=8) as pool:
            creates = [pool.submit(_create, server, assistant, t, blob) for t in threads]
            _active(fake, threads, 4)  # at least 4 wait (all 8 when waits do not hold the server's threads)
            latencies = []
            for _ in range(checks):
                start = time.monotonic()
                server.check(urn(Run, "other"), {}, news)
                latencies.append(time.monotonic() - start)
                if all(c.done() for c in creates):
                    break
        return latencies[0], median(latencies), max(latencies)


def cancel_to_failed(fake: FakeOpenAI, assistant: str, blob: str, runs: int) -> tuple[float, dict[str, int]]:
    with _server(fake) as server:
        _warm(server, fake, assistant, blob)
        threads = [fake.create_thread(messages=["Hi"])["id"] for _ in range(runs)]
        fake.script_runs(*[RunScript(queued_for=0.0, duration=15.0)] * runs)
        with ThreadPoolExecutor(max_workers=runs) as pool:
            creates: list[Future[str]] = [pool.submit(_create, server, assistant, t, blob) for t in threads]
            _active(fake, threads, min(runs, 4))
            time.sleep(0.5)  # let every create that can start its wait do so
            start = time.monotonic()
            server._call("Cancel", empty_pb2.Empty())  # what the engine sends on the first Ctrl-C
            outcomes = [c.result() for c in creates]
            elapsed = time.monotonic() - start
    return elapsed, {o: outcomes.count(o) for o in sorted(set(outcomes))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--run-seconds", type=float, default=2.0)
    parser.add_argument("--checks", type=int, default=10)
    parser.add_argument("--cancel-runs", type=int, default=8)
    args = parser.parse_args()
    blob = serialize_provider(RunProvider())
    with FakeOpenAI(clock="real") as fake:
        assistant = fake.create_assistant()["id"]
        rows = side_by_side(fake, assistant, blob, args.runs, args.run_seconds)
        print(table(("waiting runs", "wall s", "one run s", "ceil(N/4) x one"), rows))
        first, typical, worst = check_latency(fake, assistant, blob, args.checks)
        print(f"\nCheck while 8 runs of 5 s wait: first {first:.3f} s, median {typical:.3f} s, worst {worst:.3f} s")
        elapsed, outcomes = cancel_to_failed(fake, assistant, blob, args.cancel_runs)
        ended = ", ".join(f"{n} {o}" for o, n in outcomes.items())
        print(f"Cancel with {args.cancel_runs} runs of 15 s waiting: every create answered {elapsed:.3f} s later "
              f"({ended})")


if __name__ == "__main__":
    main()
