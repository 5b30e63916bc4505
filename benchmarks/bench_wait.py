"""How soon a waiting `pulumi up` finishes, and with how many requests, per mode.

    .venv/bin/python benchmarks/bench_wait.py [--repeat 3] [--durations 0.6 5]

Against the fake Assistants API over HTTP on 127.0.0.1 (real clock), in one process:

* polling:   RunProvider.create with completion_window (the default mode)
* streaming: the same with stream_for_tool=True
* create_and_poll (+ steps): openai-python's helper (1 s interval, no deadline), then one list of the
  steps, as the anchor to compare with.

A "0.6 s run" is queued for 0.1 s and in progress for 0.5 s. "late" is how long after the run reached its
terminal status the outputs were ready (median). Requests count every HTTP request the mode made.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import openai
from _common import median, table

from pulumi_openai_run.testing import FakeOpenAI, RunScript, configured_provider


def measure(fake: FakeOpenAI, duration: float, repeat: int,
            action: Callable[[str, str], None]) -> tuple[float, float, float]:
    seconds, late, requests = [], [], []
    assistant = fake.create_assistant()["id"]
    for _ in range(repeat):
        thread = fake.create_thread(messages=["Hi"])["id"]
        fake.script_runs(RunScript(queued_for=0.1, duration=duration - 0.1))
        fake.clear_requests()
        start = time.monotonic()
        action(assistant, thread)
        elapsed = time.monotonic() - start
        seconds.append(elapsed)
        late.append(elapsed - duration)
        requests.append(len(fake.requests))
    return median(seconds), median(late), median(requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--durations", type=float, nargs="+", default=[0.6, 5.0])
    args = parser.parse_args()

    rows = []
    with FakeOpenAI(clock="real") as fake:
        provider = configured_provider(fake)
        client = openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0)

        def polling(assistant: str, thread: str) -> None:
            provider.create({"assistant_id": assistant, "thread_id": thread, "completion_window": 120.0})

        def streaming(assistant: str, thread: str) -> None:
            provider.create({"assistant_id": assistant, "thread_id": thread, "completion_window": 120.0,
                             "stream_for_tool": True})

        def create_and_poll(assistant: str, thread: str) -> None:
            run = client.beta.threads.runs.create_and_poll(thread_id=thread, assistant_id=assistant)
            list(client.beta.threads.runs.steps.list(run.id, thread_id=thread, limit=100))

        for duration in args.durations:
            for name, action in (("create_and_poll + steps", create_and_poll), ("polling", polling),
                                 ("streaming", streaming)):
                seconds, late, requests = measure(fake, duration, args.repeat, action)
                rows.append((f"{duration:g} s", name, seconds, late, requests))
    print(table(("run", "mode", "median s", "late s", "requests"), rows))
    print("(polling and streaming also list the run's messages for `reply`; create_and_poll does not)")


if __name__ == "__main__":
    main()
