"""Which API backend runs a given Run. Today: Assistants v2 for every run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .backend import RunBackend

if TYPE_CHECKING:
    from openai import OpenAI


def backend_for(inputs: Mapping[str, Any], client: OpenAI, request_timeout: float) -> RunBackend:
    from .assistants_api import AssistantsBackend

    return AssistantsBackend(client, request_timeout)
