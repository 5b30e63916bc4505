"""The README's field tables, derived from the field tables: ``python -m pulumi_openai_run.docs [RESOURCE]``.

``RESOURCE`` is ``run`` (the default), ``assistant``, ``thread`` or ``message``; each table sits in the
README between ``<!-- fields:begin -->`` markers (the Run's) or ``<!-- fields:RESOURCE:begin -->`` ones.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from pulumi_openai_run._objects.assistant import ASSISTANT_FIELDS
from pulumi_openai_run._objects.message import MESSAGE_FIELDS
from pulumi_openai_run._objects.thread import THREAD_FIELDS
from pulumi_openai_run._runs.fields import RUN_FIELDS
from pulumi_openai_run.schema import Field, on_change_words

TABLES: dict[str, tuple[Field, ...]] = {
    "run": RUN_FIELDS,
    "assistant": ASSISTANT_FIELDS,
    "thread": THREAD_FIELDS,
    "message": MESSAGE_FIELDS,
}
"""Each resource's field table, by the name its README markers use."""


def field_table(fields: Iterable[Field] = RUN_FIELDS, noun: str = "run") -> str:
    """The Markdown table of ``fields``; a replacing change reads "new ``noun``"."""
    words = on_change_words(noun)
    rows = ["| field | kind | type | on change | description |", "|---|---|---|---|---|"]
    for field in fields:
        kind = "output" if field.output else ("input, required" if field.required else "input")
        change = "" if field.output else words[field.on_change]
        description = field.description.replace("|", "\\|")  # a bare | would end the cell
        rows.append(f"| `{field.name}` | {kind} | {field.type_name} | {change} | {description} |")
    return "\n".join(rows)


def markers(resource: str) -> tuple[str, str]:
    """The README's begin and end markers around ``resource``'s table."""
    infix = "" if resource == "run" else f"{resource}:"
    return f"<!-- fields:{infix}begin -->", f"<!-- fields:{infix}end -->"


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "run"
    if name not in TABLES:
        sys.exit(f"unknown resource {name!r}; choose one of: {', '.join(TABLES)}")
    print(field_table(TABLES[name], name))
