"""Helpers the benchmark scripts share: medians, tables (and quiet Assistants deprecation warnings)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from pulumi_openai_run.testing import ignore_assistants_deprecation

ignore_assistants_deprecation()


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in header], *[[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
