"""Identifier generation in the style of the OpenAI API (``run_`` + 24 alphanumerics, ...)."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_ID_LENGTH = 24

PREFIXES = {
    "assistant": "asst_",
    "thread": "thread_",
    "message": "msg_",
    "run": "run_",
    "step": "step_",
    "file": "file-",
    "call": "call_",
    "request": "req_",
}


def new_id(kind: str) -> str:
    """Return a fresh random id for ``kind`` (a key of :data:`PREFIXES`)."""
    return PREFIXES[kind] + "".join(secrets.choice(_ALPHABET) for _ in range(_ID_LENGTH))
