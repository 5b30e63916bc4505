"""Validators (``Validator``: ``None``, or the problem and what is allowed) and normalizers for fields."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from pulumi_openai_run.schema.table import Validator

_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def an_id(prefix_hint: str) -> Validator:
    def validate(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string id like '{prefix_hint}abc123', got {type(value).__name__}."
        if not _ID.fullmatch(value):
            return (
                f"must be a plain id of letters, digits, '_' and '-' (1 to 128 characters), "
                f"like '{prefix_hint}abc123'; got {value!r}."
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
            return f"must be at most {max_length} characters, got {len(value)}."
        return None

    return validate


def shown(value: Any) -> str:
    """A value as the user most likely wrote it: the engine sends every number as a float."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def a_number(low: float | None = None, high: float | None = None, integer: bool = False) -> Validator:
    def validate(value: Any) -> str | None:
        kind = "a whole number" if integer else "a number"
        if not is_number(value):
            return f"must be {kind}, got {shown(value)}."
        if integer and float(value) != int(value):
            return f"must be a whole number, got {shown(value)}."
        if low is not None and value < low:
            return f"must be {_range(low, high)}, got {shown(value)}."
        if high is not None and value > high:
            return f"must be {_range(low, high)}, got {shown(value)}."
        return None

    return validate


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {low:g} and {high:g}"
    if low is not None:
        return f"at least {low:g}"
    return f"at most {high:g}"


def one_of(*allowed: str) -> Validator:
    def validate(value: Any) -> str | None:
        if value in allowed and isinstance(value, str):
            return None
        return f"must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}."

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
    return f"has unknown keys {extra}; allowed: {', '.join(allowed)}." if extra else None
