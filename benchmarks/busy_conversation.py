"""How long N runs on one thread (conversation) take when their creates are sent at once (issue 12, point 7).

    .venv/bin/python benchmarks/busy_conversation.py [--runs 6] [--run-seconds 2] [--repeats 1]

A thread runs one run at a time, and a conversation one response: the other creates are refused ("already
has an active run", ``conversation_locked``) until it is free, and each waits and asks again. This script
starts N creates on one thread (conversation) at once, each on its own Python thread in one process, with a
completion_window so each waits for its run, against the fake on real time; it prints, per API, the wall time
against N x one run (the least possible: the runs cannot overlap) and how many creates were refused.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _common import median, table

from pulumi_openai_run.testing import FakeOpenAI, RunScript, configured_provider


def one_round(fake: FakeOpenAI, api: str, runs: int) -> tuple[float, int]:
    if api == "assistants":
        ids = {"assistant_id": fake.create_assistant()["id"], "thread_id": fake.create_thread(["Hi"])["id"]}
        path, body_filter = f"/threads/{ids['thread_id']}/runs", None
    else:
        ids = {"assistant_id": fake.create_agent()["id"], "thread_id": fake.create_conversation(["Hi"])["id"]}
        path, body_filter = "/responses", ids["thread_id"]
    provider = configured_provider(fake)
    inputs: dict[str, Any] = {**ids, "api": api, "completion_window": 300.0}
    fake.clear_requests()
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=runs) as pool:
        statuses = list(pool.map(lambda _: provider.create(dict(inputs)).outs["status"], range(runs)))
    elapsed = time.monotonic() - start
    assert statuses == ["completed"] * runs, statuses
    sent = [r for r in fake.requests if r.method == "POST" and r.path == path
            and (body_filter is None or (r.json or {}).get("conversation") == body_filter)]
    return elapsed, len(sent) - runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--run-seconds", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    rows = []
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.1, duration=args.run_seconds - 0.1)
        for api in ("assistants", "responses"):
            rounds = [one_round(fake, api, args.runs) for _ in range(args.repeats)]
            rows.append((api, args.runs, median([r[0] for r in rounds]), args.runs * args.run_seconds,
                         int(median([float(r[1]) for r in rounds]))))
    print(table(("api", "runs on one thread", "wall s", "N x one run", "refused creates"), rows))


if __name__ == "__main__":
    main()
