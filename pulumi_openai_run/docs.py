"""The README's field table, derived from the field table: ``python -m pulumi_openai_run.docs``."""

from __future__ import annotations

from collections.abc import Iterable

from .run_fields import RUN_FIELDS
from .schema import Field

_ON_CHANGE = {"replace": "new run", "update": "in place", "local": "state only"}


def field_table(fields: Iterable[Field] = RUN_FIELDS) -> str:
    rows = ["| field | kind | type | on change | description |", "|---|---|---|---|---|"]
    for field in fields:
        kind = "output" if field.output else ("input, required" if field.required else "input")
        change = "" if field.output else _ON_CHANGE[field.on_change]
        rows.append(f"| `{field.name}` | {kind} | {field.type_name} | {change} | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(field_table())
