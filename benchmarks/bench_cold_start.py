"""What `pulumi preview` pays before the first answer, and what the provider adds to the state.

    .venv/bin/python benchmarks/bench_cold_start.py [--repeat 5]

* cold start: spawning the dynamic-provider server (`python -m pulumi.dynamic`, what the engine's
  pulumi-resource-pulumi-python plugin runs) until its first Check answer for a Run, as the package is
  (openai imported lazily) and with `openai` imported eagerly at start-up, for comparison;
* the serialized provider (`__provider` in every Run's state): its size in bytes.
"""

from __future__ import annotations

import argparse
import time

from _common import median, table
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_openai_run import Run, RunProvider
from pulumi_openai_run.testing import ProviderServer, urn

EAGER = ("-c", "import openai, runpy; runpy.run_module('pulumi.dynamic', run_name='__main__')")


def cold_start(python_args: tuple[str, ...], blob: str) -> float:
    start = time.monotonic()
    with ProviderServer({"openai:apiKey": "sk-unused"}, python_args=python_args) as server:
        result = server.check(urn(Run, "r"), {}, {"assistant_id": "asst_1", "thread_id": "thread_1",
                                                   "__provider": blob})
        elapsed = time.monotonic() - start
        assert not result.failures
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    blob = serialize_provider(RunProvider())
    cold_start(("-m", "pulumi.dynamic"), blob)  # warm the OS file cache first
    rows = []
    for label, python_args in (("openai imported lazily (as shipped)", ("-m", "pulumi.dynamic")),
                               ("openai imported eagerly", EAGER)):
        rows.append((label, median([cold_start(python_args, blob) for _ in range(args.repeat)])))
    print(table(("dynamic-provider server", "median s to first Check"), rows))
    print(f"\nserialized provider (__provider): {len(blob)} bytes (base64 of the dill pickle)")


if __name__ == "__main__":
    main()
