"""Helpers the benchmark scripts share: a configured provider on the fake, medians, tables."""

from __future__ import annotations

import statistics
import warnings
from collections.abc import Sequence

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_openai_run import RunProvider
from pulumi_openai_run.testing import FakeOpenAI

warnings.filterwarnings("ignore", message="The Assistants API is deprecated", category=DeprecationWarning)


def provider_for(fake: FakeOpenAI) -> RunProvider:
    provider = RunProvider()
    provider.configure(ConfigureRequest(Config({"openai:apiKey": fake.api_key, "openai:baseUrl": fake.base_url},
                                               "benchmark")))
    return provider


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in header], *[[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
