"""Cursor pagination shared by every list endpoint (``limit``, ``order``, ``after``, ``before``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import bad_request


@dataclass(frozen=True)
class PageParams:
    limit: int = 20
    order: str = "desc"
    after: str | None = None
    before: str | None = None


def _single(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def page_params(query: Mapping[str, Sequence[str]]) -> PageParams:
    """Validate the list query parameters the way the real service does (400 naming the param)."""
    raw_limit = _single(query, "limit")
    limit = 20
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise bad_request(
                f"Invalid 'limit': expected an integer, but got '{raw_limit}' instead.", "limit", "invalid_type"
            ) from None
        if limit < 1:
            raise bad_request(
                f"Invalid 'limit': integer below minimum value. Expected a value >= 1, but got {limit} instead.",
                "limit",
                "integer_below_min_value",
            )
        if limit > 100:
            raise bad_request(
                f"Invalid 'limit': integer above maximum value. Expected a value <= 100, but got {limit} instead.",
                "limit",
                "integer_above_max_value",
            )
    order = _single(query, "order") or "desc"
    if order not in ("asc", "desc"):
        raise bad_request(
            f"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.", "order", "invalid_value"
        )
    return PageParams(limit=limit, order=order, after=_single(query, "after"), before=_single(query, "before"))


def paginate(items_oldest_first: Sequence[dict[str, Any]], params: PageParams) -> dict[str, Any]:
    """Build ``{"object": "list", "data", "first_id", "last_id", "has_more"}`` from ordered items."""
    items = list(items_oldest_first)
    if params.order == "desc":
        items.reverse()
    ids = [item["id"] for item in items]
    start, end = 0, len(items)
    if params.after is not None:
        start = ids.index(params.after) + 1 if params.after in ids else len(items)
    if params.before is not None:
        end = ids.index(params.before) if params.before in ids else 0
    window = items[start:end] if start < end else []
    # Paging backwards (only `before`): the `limit` items just before the cursor.
    backwards = params.before is not None and params.after is None
    page = window[-params.limit :] if backwards else window[: params.limit]
    return {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None,
        "has_more": len(window) > len(page),
    }
