"""The ceiling the dynamic-provider server puts on waiting runs in one `pulumi up`.

    .venv/bin/python benchmarks/bench_parallel.py [--run-seconds 2] [--counts 1 2 4 5 8 12]

`python -m pulumi.dynamic` serves gRPC from a pool of 4 threads, and a Create that waits for its run holds
one of them for the whole wait. The engine sends the Creates of independent resources at once; this
script does the same (N Creates in parallel over gRPC, each on its own thread so none waits for a busy
thread) against the fake over HTTP, and prints the wall time against N, next to ceil(N/4) x one run.
"""

from __future__ import annotations

import argparse
import math
import time
from concurrent.futures import ThreadPoolExecutor

from _common import table
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_openai_run import Run, RunProvider
from pulumi_openai_run.testing import FakeOpenAI, ProviderServer, RunScript, Secret, urn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-seconds", type=float, default=2.0)
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 2, 4, 5, 8, 12])
    args = parser.parse_args()
    blob = serialize_provider(RunProvider())
    rows = []
    with FakeOpenAI(clock="real") as fake:
        fake.default_script = RunScript(queued_for=0.1, duration=args.run_seconds - 0.1)
        assistant = fake.create_assistant()["id"]
        config = {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url}
        with ProviderServer(config, env={"OPENAI_API_KEY": ""}) as server:
            warm = fake.create_thread(messages=["Hi"])["id"]  # load the provider and build its client first
            server.create(urn(Run, warm), {"assistant_id": assistant, "thread_id": warm, "__provider": blob})
            single = None
            for count in args.counts:
                threads = [fake.create_thread(messages=["Hi"])["id"] for _ in range(count)]

                def up(thread: str) -> str:
                    props = {"assistant_id": assistant, "thread_id": thread, "completion_window": 300.0,
                             "__provider": blob}
                    return server.create(urn(Run, thread), props)[1]["status"]

                start = time.monotonic()
                with ThreadPoolExecutor(max_workers=count) as pool:
                    statuses = list(pool.map(up, threads))
                elapsed = time.monotonic() - start
                assert statuses == ["completed"] * count, statuses
                single = single or elapsed
                rows.append((count, elapsed, math.ceil(count / 4) * single))
    print(table(("waiting runs", "wall s", "ceil(N/4) x one"), rows))


if __name__ == "__main__":
    main()
