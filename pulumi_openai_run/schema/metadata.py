"""The ``metadata`` input every resource has, and the create marker it carries.

The marker (``CREATE_TOKEN_KEY``) is how a create whose answer was lost finds its object again; it is
reserved (users may not set it), added by :func:`with_token` where there is room and hidden from every
output by :func:`user_metadata`. This module is its only home.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_openai_run.schema.table import Field, Validator
from pulumi_openai_run.schema.validators import shown

METADATA_MAX_KEYS = 16


METADATA_MAX_KEY_LENGTH = 64


METADATA_MAX_VALUE_LENGTH = 512


CREATE_TOKEN_KEY = "pulumi_create_token"
"""The metadata key of the marker a create carries, to find its object again when the response is
lost; reserved, so users may not set it."""


def a_metadata_map(max_keys: int = METADATA_MAX_KEYS, reserved: tuple[str, ...] = ()) -> Validator:
    def validate(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return f"must be a map of strings to strings, got {type(value).__name__}."
        taken = sorted(set(value) & set(reserved))
        if taken:
            return f"may not use the key {shown(taken[0])}: the provider keeps it to find a run again."
        if len(value) > max_keys:
            return f"may have at most {max_keys} keys, got {len(value)}."
        for key, item in value.items():
            if not isinstance(key, str) or not key or len(key) > METADATA_MAX_KEY_LENGTH:
                return f"keys must be 1 to {METADATA_MAX_KEY_LENGTH} characters; {shown(key)} is not."
            if not isinstance(item, str):
                return f"values must be strings; {shown(key)} is {shown(item)}."
            if len(item) > METADATA_MAX_VALUE_LENGTH:
                return (
                    f"values must be at most {METADATA_MAX_VALUE_LENGTH} characters; "
                    f"{shown(key)} has {len(item)}."
                )
        return None

    return validate


def metadata_field(description: str) -> Field:
    """The ``metadata`` input every resource has: the API's limits, updated in place, empty = absent."""
    return Field(
        "metadata",
        description,
        on_change="update",
        type_name="Map of String",
        validate=a_metadata_map(reserved=(CREATE_TOKEN_KEY,)),
        normalize=dict,
        default={},
    )


def with_token(metadata: Mapping[str, str] | None, token: str | None) -> dict[str, str]:
    """``metadata`` with the create marker ``token`` added, when there is room for it (16 keys)."""
    result = dict(metadata or {})
    if token is not None and len(result) < METADATA_MAX_KEYS:
        result[CREATE_TOKEN_KEY] = token
    return result


def user_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """An object's metadata without the create marker."""
    return {k: v for k, v in (metadata or {}).items() if k != CREATE_TOKEN_KEY}
