"""What the driver prints, in the shape of the Pulumi CLI's non-interactive output (pure: values in, text out).

* :func:`normalise`: protobuf ``Struct`` made every number a float; an integral one is an integer again
  (a token count, a timestamp), any other float stays as it is (0.5 stays 0.5).
* :func:`value_text`: a property value as the CLI shows it (strings quoted, objects and lists indented).
* :func:`step_line`, :func:`diff_lines`, :func:`summary`, :func:`outputs_block`, :func:`duration`: the lines
  of an update.

Masking is the caller's last step: everything printed goes through ``StackConfig.masked``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol, TypeVar

from .._engine.wire import UNKNOWN

Op = Literal["create", "update", "replace", "delete", "same", "read", "refresh"]

SYMBOL: dict[str, str] = {"create": "+ ", "update": "~ ", "replace": "+-", "delete": "- ", "same": "  ",
                          "read": "> ", "refresh": "~ "}
"""The CLI's column of operation symbols."""

_DOING = {"create": "creating", "update": "updating", "replace": "replacing", "delete": "deleting",
          "read": "reading", "refresh": "refreshing", "same": ""}
_DONE = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted", "read": "read",
         "refresh": "refreshed", "same": ""}
_PLANNED = {"create": "create", "update": "update", "replace": "replace", "delete": "delete", "read": "read",
            "refresh": "refresh", "same": ""}
# Summary wording, as `pulumi up` (done) and `pulumi preview` (planned) count each kind of step.
_COUNT_DONE = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted",
               "read": "read", "refresh": "updated"}
_COUNT_PLANNED = {"create": "to create", "update": "to update", "replace": "to replace", "delete": "to delete",
                  "read": "to read", "refresh": "to update"}
SUMMARY_ORDER: tuple[str, ...] = ("create", "update", "refresh", "replace", "delete", "read")
UNKNOWN_TEXT = "[unknown]"
SECRET_TEXT = "[secret]"


def normalise(value: Any) -> Any:
    """``value`` with every integral float (not a bool) made an ``int``, recursively."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    return value


def value_text(value: Any, indent: int = 0) -> str:
    """A property value as the CLI prints it: ``"text"``, ``5``, ``true``, ``null``, objects as
    ``{`` / ``key: value`` lines / ``}``, lists as ``[`` / ``[0]: value`` lines / ``]``."""
    value = normalise(value)
    pad = " " * (indent + 4)
    if isinstance(value, str) and value == UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        width = max(len(str(k)) for k in value)
        body = "\n".join(f"{pad}{str(k).ljust(width)}: {value_text(v, indent + 4)}" for k, v in sorted(value.items()))
        return "{\n" + body + "\n" + " " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        body = "\n".join(f"{pad}[{i}]: {value_text(v, indent + 4)}" for i, v in enumerate(value))
        return "[\n" + body + "\n" + " " * indent + "]"
    return json.dumps(value, default=str)


def step_line(op: Op, type_: str, name: str, phase: Literal["doing", "done", "planned"],
              seconds: float | None = None, extra: str = "", *, original: bool = False) -> str:
    """`` +  <type> <name> creating (0s)`` and the like (the CLI's non-interactive progress line); ``original``:
    the delete of a replaced resource's old half (``deleting original``)."""
    words = {"doing": _DOING, "done": _DONE, "planned": _PLANNED}[phase]
    text = f" {SYMBOL[op]} {type_} {name} {words[op]}{' original' if original else ''}".rstrip()
    if seconds is not None:
        text += f" ({duration(seconds)})"
    return f"{text} {extra}".rstrip()


def changed_keys(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The top-level properties that differ between ``olds`` and ``news`` (the provider's own ``__`` keys
    left out: they are not the program's), sorted."""
    keys = (set(olds) | set(news))
    return sorted(k for k in keys if not k.startswith("__") and normalise(olds.get(k)) != normalise(news.get(k)))


def diff_lines(olds: Mapping[str, Any], news: Mapping[str, Any], replaces: Sequence[str] = (),
               indent: int = 4) -> list[str]:
    """One line per changed property: ``~ key: old => new``, ``+ key: new``, ``- key: old``; a property that
    forces the replacement is marked ``(forces replacement)``, as ``pulumi preview --diff`` marks it."""
    lines = []
    pad = " " * indent
    for key in changed_keys(olds, news):
        forces = " (forces replacement)" if key in replaces else ""
        if key not in olds:
            lines.append(f"{pad}+ {key}: {value_text(news[key], indent + 2)}{forces}")
        elif key not in news:
            lines.append(f"{pad}- {key}: {value_text(olds[key], indent + 2)}{forces}")
        else:
            lines.append(f"{pad}~ {key}: {value_text(olds[key], indent + 2)} => "
                         f"{value_text(news[key], indent + 2)}{forces}")
    return lines


def diff_tag(keys: Sequence[str]) -> str:
    """``[diff: ~instructions,model]`` (the CLI's summary of an update's changed keys)."""
    return f"[diff: ~{','.join(keys)}]" if keys else ""


def summary(counts: Mapping[str, int], unchanged: int, planned: bool) -> list[str]:
    """The ``Resources:`` block: ``+ 2 created``, ``~ 1 updated``, ``3 unchanged`` (``to create`` ... in a
    preview)."""
    words = _COUNT_PLANNED if planned else _COUNT_DONE
    lines = ["Resources:"]
    for op in SUMMARY_ORDER:
        if counts.get(op):
            lines.append(f"    {SYMBOL[op].rstrip() if op != 'replace' else '+-'}"
                         f"{'' if op == 'replace' else ' '}{counts[op]} {words[op]}")
    if unchanged:
        lines.append(f"    {unchanged} unchanged")
    if len(lines) == 1:
        lines.append("    no changes" if planned else "    0 changes")
    return lines


def outputs_block(outputs: Mapping[str, Any], secret_keys: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """``Outputs:`` and one ``name: value`` line per export, names padded to one width (as the CLI does);
    secret exports shown as ``[secret]``."""
    if not outputs:
        return []
    width = max(len(k) for k in outputs)
    lines = ["Outputs:"]
    for key in sorted(outputs):
        text = SECRET_TEXT if key in secret_keys else value_text(outputs[key], 4)
        lines.append(f"    {key.ljust(width)}: {text}")
    return lines


class _Named(Protocol):
    op: Op
    type: str
    name: str
    news: dict[str, Any]


_N = TypeVar("_N", bound=_Named)


def owner(message: str, steps: Sequence[_N]) -> _N | None:
    """Which of the steps in flight a provider log line is about: the one whose thread (``thread_id``) or id
    the line names, else the only one in flight (None when that cannot be told)."""
    named = [s for s in steps if any(isinstance(s.news.get(k), str) and s.news[k] and s.news[k] in message
                                     for k in ("thread_id", "id"))]
    if len(named) == 1:
        return named[0]
    return steps[0] if len(steps) == 1 else None


def duration(seconds: float) -> str:
    """``4s``, ``1m5s``: the CLI's ``Duration:`` value (whole seconds)."""
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"
