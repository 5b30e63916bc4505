"""Validators (``Validator``: ``None``, or the problem and what is allowed) and normalizers for fields.

Hostile input is bounded here, once, for every resource:

* :func:`shown` quotes a value the way every failure message does: at most :data:`MAX_QUOTED` characters,
  with an ellipsis and the full length, so a 1 MB id makes a one-line message;
* :func:`json_problem` checks that a value is plain JSON the API can take: at most :data:`MAX_JSON_DEPTH`
  levels of nesting and only finite numbers (no NaN, no Infinity, nothing beyond a double's range);
* :func:`parse_json` reads JSON text (a tool's ``parameters`` string) with the same limits and a size cap,
  never raising anything but :class:`JsonError`.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pulumi_openai_run.schema.table import Validator

_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")

MAX_QUOTED = 80
"""The most characters of a bad value a failure message quotes; longer strings are cut with an ellipsis
and their length (``'aaaa…' (1,000,000 characters)``), containers to their first few items."""

MAX_JSON_DEPTH = 64
"""The deepest nesting any input (or JSON text inside one) may have: maps and lists within each other.
Far beyond any real JSON Schema (OpenAI's strict schemas allow 10 levels), and below protobuf's limit of
100, so a value that passes can also travel through the engine and into state."""

MAX_JSON_CHARACTERS = 1_000_000
"""The longest JSON text (a tool's ``parameters`` string) check reads: a megabyte, far beyond any real
schema, so a hostile one costs check no more than that."""

MAX_DOUBLE = sys.float_info.max
"""Numbers must fit a JSON number as every parser reads it: a finite double (±1.8e308)."""

_NUMBER_ALLOWED = "numbers must be finite (no NaN or Infinity) and within ±1.8e308"


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)


def _finite(value: int | float) -> bool:
    if isinstance(value, int):
        return -MAX_DOUBLE <= value <= MAX_DOUBLE
    return math.isfinite(value)


# --- quoting --------------------------------------------------------------------------------------


def shown(value: Any) -> str:
    """A value as the user most likely wrote it (the engine sends every number as a float, so ``200.0`` is
    shown ``200``), and never longer than about :data:`MAX_QUOTED` characters."""
    text = _brief(value, 2, MAX_QUOTED)
    if isinstance(value, str) or len(text) <= MAX_QUOTED + 40:
        return text  # a string's quote is bounded already, and keeps its length
    return text[:MAX_QUOTED] + "…"


def _brief(value: Any, depth: int, width: int) -> str:
    if isinstance(value, str):
        if len(value) <= width:
            return repr(value)
        cut = repr(value[:width])
        return f"{cut[:-1]}…{cut[-1]} ({len(value):,} characters)"
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, Mapping | list | tuple):
        is_map = isinstance(value, Mapping)
        opening, closing = ("{", "}") if is_map else ("[", "]")
        if depth <= 0 or not value:
            return opening + ("…" if value else "") + closing
        items = islice(value.items(), 4) if isinstance(value, Mapping) else ((None, v) for v in islice(value, 4))
        inner = max(width // 3, 12)
        parts = [(f"{_brief(k, 0, inner)}: " if is_map else "") + _brief(v, depth - 1, inner) for k, v in items]
        more = ", …" if len(value) > 4 else ""
        return opening + ", ".join(parts) + more + closing
    return f"<{type(value).__name__}>"


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, int) and abs(value) >= 10**16:
        return f"{float(value):g}" if -MAX_DOUBLE <= value <= MAX_DOUBLE else "a number beyond ±1.8e308"
    return repr(value)


def quoted_name(name: str) -> str:
    """A key or property name for a message: itself when short, else cut like :func:`shown`."""
    return name if len(name) <= MAX_QUOTED else f"{name[:MAX_QUOTED]}… ({len(name):,} characters)"


# --- plain JSON -----------------------------------------------------------------------------------


def json_problem(value: Any, where: str, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """``None`` when ``value`` is plain JSON the API can take (maps with string keys, lists, strings, finite
    numbers, booleans, null; at most ``max_depth`` levels of nesting), else the problem, naming the path
    below ``where`` (``tools[0].function.parameters.maximum``). Walks the value without recursion."""
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, Mapping | list | tuple):
            if depth >= max_depth:
                return _too_deep(where, max_depth)
            if isinstance(item, Mapping):
                for key, child in item.items():
                    if not isinstance(key, str):
                        return (f"{quoted_name(path)} has a key {shown(key)} that is not a string; map keys must "
                                "be strings.")
                    stack.append((child, f"{path}.{key}" if _ID.fullmatch(key) else f"{path}[{shown(key)}]", depth + 1))
            else:
                stack.extend((child, f"{path}[{index}]", depth + 1) for index, child in enumerate(item))
        elif isinstance(item, int | float) and not isinstance(item, bool):
            if not _finite(item):
                return f"{quoted_name(path)} is {_non_finite(item)}; {_NUMBER_ALLOWED}."
        elif not (item is None or isinstance(item, str | bool)):
            return (f"{quoted_name(path)} is a {type(item).__name__}, which JSON cannot hold: use maps, lists, "
                    "strings, numbers, booleans and null.")
    return None


def _too_deep(where: str, max_depth: int) -> str:
    return (f"{quoted_name(where)} is nested more than {max_depth} levels deep; maps (objects) and lists "
            f"(arrays) may nest at most {max_depth} levels.")


def _non_finite(value: int | float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float):
        return "Infinity" if value > 0 else "-Infinity"
    return "a number beyond ±1.8e308"


class JsonError(ValueError):
    """JSON text that check cannot accept; the message says why and what is allowed."""


def parse_json(text: str, where: str) -> Any:
    """The value of the JSON text ``text`` (the input at ``where``), read safely: at most
    :data:`MAX_JSON_CHARACTERS` characters and :data:`MAX_JSON_DEPTH` levels of nesting, no ``NaN``,
    ``Infinity`` or number beyond a double's range (``1e999``). Raises :class:`JsonError` only."""
    if len(text) > MAX_JSON_CHARACTERS:
        raise JsonError(f"{where} is {len(text):,} characters of JSON; at most {MAX_JSON_CHARACTERS:,}.")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except _BadNumber as error:
        raise JsonError(f"{where} has {error}; {_NUMBER_ALLOWED}.") from None
    except json.JSONDecodeError as error:
        raise JsonError(f"{where} must be valid JSON: {error.msg} at character {error.pos:,}.") from None
    except RecursionError:
        raise JsonError(_too_deep(where, MAX_JSON_DEPTH)) from None
    problem = json_problem(value, where)
    if problem:
        raise JsonError(problem)
    return value


class _BadNumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _BadNumber(f"{name}, which is no JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _BadNumber(f"the number {text[:MAX_QUOTED]}, which is beyond ±1.8e308")
    return number


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 309:  # more digits than any finite double has
        raise _BadNumber(f"an integer of {len(text.lstrip('-')):,} digits, which is beyond ±1.8e308")
    number = int(text)
    if not _finite(number):
        raise _BadNumber(f"the integer {text[:MAX_QUOTED]}, which is beyond ±1.8e308")
    return number


# --- validators -----------------------------------------------------------------------------------


def an_id(prefix_hint: str) -> Validator:
    def validate(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string id like '{prefix_hint}abc123', got {type(value).__name__}."
        if not _ID.fullmatch(value):
            return (
                f"must be a plain id of letters, digits, '_' and '-' (1 to 128 characters), "
                f"like '{prefix_hint}abc123'; got {shown(value)}."
            )
        return None

    return validate


def a_string(max_length: int, allow_empty: bool = False) -> Validator:
    def validate(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string, got {type(value).__name__}."
        if not allow_empty and not value.strip():
            return "must not be empty."
        if len(value) > max_length:
            return f"must be at most {max_length:,} characters, got {len(value):,}."
        return None

    return validate


def a_number(low: float | None = None, high: float | None = None, integer: bool = False) -> Validator:
    """A finite number (a whole one if ``integer``: ``200.0`` is fine, ``200.5`` not) within ``low``..``high``."""

    def validate(value: Any) -> str | None:
        kind = "a whole number" if integer else "a number"
        if not is_number(value):
            return f"must be {kind}{_range(low, high)}, got {shown(value)}."
        if integer and float(value) != int(value):
            return f"must be {kind}{_range(low, high)}, got {shown(value)}."
        if (low is not None and value < low) or (high is not None and value > high):
            return f"must be {kind}{_range(low, high)}, got {shown(value)}."
        return None

    return validate


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" between {_bound(low)} and {_bound(high)}"
    if low is not None:
        return f" of at least {_bound(low)}"
    if high is not None:
        return f" of at most {_bound(high)}"
    return ""


def _bound(number: float) -> str:
    if float(number).is_integer():
        return f"{int(number):,}" if abs(number) >= 1_000_000 else str(int(number))
    return f"{number:g}"


def one_of(*allowed: str) -> Validator:
    def validate(value: Any) -> str | None:
        if value in allowed and isinstance(value, str):
            return None
        return f"must be one of {', '.join(repr(a) for a in allowed)}; got {shown(value)}."

    return validate


def a_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, got {shown(value)}."


def as_float(value: Any) -> float:
    return float(value)


def as_int(value: Any) -> int:
    return int(value)


def kind_of(value: Any) -> str:
    """What a value is, in the words an error message uses."""
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def extra_keys(value: Mapping[str, Any], allowed: tuple[str, ...]) -> str | None:
    """The problem with keys of ``value`` outside ``allowed``, or ``None``."""
    extra = sorted(str(k) for k in value if k not in allowed)
    if not extra:
        return None
    listed = ", ".join(shown(k) for k in extra[:5]) + (f" and {len(extra) - 5:,} more" if len(extra) > 5 else "")
    return f"has unknown keys [{listed}]; allowed: {', '.join(allowed)}."
