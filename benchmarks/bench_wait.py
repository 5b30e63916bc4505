"""How soon a waiting `pulumi up` finishes, and with how many requests, per mode.

    .venv/bin/python benchmarks/bench_wait.py [--repeat 3] [--durations 0.6 5]

Against the fake OpenAI API over HTTP on 127.0.0.1 (real clock), in one process, on both APIs:

* polling:   RunProvider.create with completion_window (the default mode)
* streaming: the same with stream_for_tool=True
* the anchor to compare with, per API: on the Assistants API openai-python's create_and_poll (1 s interval,
  no deadline) then one list of the steps; on the Responses API the naive loop, create(background=True)
  then a retrieve every second until the response is terminal.

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


def measure(fake: FakeOpenAI, api: str, duration: float, repeat: int,
            action: Callable[[str, str], None]) -> tuple[float, float, float]:
    seconds, late, requests = [], [], []
    assistant = fake.create_assistant()["id"] if api == "assistants" else fake.create_agent()["id"]
    for _ in range(repeat):
        if api == "assistants":
            thread = fake.create_thread(messages=["Hi"])["id"]
        else:
            thread = fake.create_conversation(messages=["Hi"])["id"]
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

        def naive_background(agent: str, conversation: str) -> None:
            config = client.beta.agents.retrieve(agent)
            response = client.responses.create(model=config.model, instructions=config.instructions,
                                               conversation=conversation, background=True, store=True)
            while response.status in ("queued", "in_progress"):
                time.sleep(1.0)
                response = client.responses.retrieve(response.id)

        anchors = {"assistants": ("create_and_poll + steps", create_and_poll),
                   "responses": ("background + retrieve 1/s", naive_background)}
        for api, anchor in anchors.items():
            for duration in args.durations:
                for name, action in (anchor, ("polling", polling), ("streaming", streaming)):
                    seconds, late, requests = measure(fake, api, duration, args.repeat, action)
                    rows.append((api, f"{duration:g} s", name, seconds, late, requests))
    print(table(("api", "run", "mode", "median s", "late s", "requests"), rows))
    print("(Assistants: polling and streaming also list the run's messages for `reply`, create_and_poll does not;"
          " Responses: every mode also reads the agent, and the provider notes the conversation's newest item)")


if __name__ == "__main__":
    main()
