"""JSON values as the provider keeps them: API objects as the server sent them, and plain values for state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def api_dict(model: Any) -> dict[str, Any]:
    """An API object (an openai model, or a dict already) as the server sent it: no nulls for fields it
    left out, and its own field names (``schema``, not pydantic's ``schema_``), so what is read back
    compares equal to what was given."""
    if hasattr(model, "to_dict"):
        return dict(model.to_dict(mode="json"))
    return dict(model)


def plain(value: Any) -> Any:
    """``value`` as JSON-able dicts and lists (Pulumi may hand over other mappings and tuples)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def without_nulls(value: Any) -> Any:
    """``plain(value)`` with nulls dropped from maps (Pulumi maps dislike nulls)."""
    if isinstance(value, Mapping):
        return {str(k): without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [without_nulls(v) for v in value]
    return value
