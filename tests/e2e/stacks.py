"""What the end-to-end tests share: each example is played on both APIs, the one chosen the way a user
chooses it (stack config ``openai:api`` for a program run through the provider server, ``--api`` for the
offline up), and what each API's ids look like in the offline up's output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pulumi_openai_run.testing import FakeOpenAI, Secret

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
APIS = ("responses", "assistants")
"""Every API a stack can be on; ``responses`` (today's OpenAI) is the default."""

CREATED_IDS = {
    "responses": {"Thread": "(conv_", "Message": "(msg_", "Run": "(resp_"},
    "assistants": {"Assistant": "(asst_", "Thread": "(thread_", "Message": "(msg_", "Run": "(run_"},
}
"""How the offline up prints a created resource's id on each API (an agent's id has no documented prefix)."""


def stack_config(fake: FakeOpenAI, api: str) -> dict[str, Any]:
    """The provider's stack config for ``fake`` with ``openai:api`` set to ``api``."""
    return {"openai:apiKey": Secret(fake.api_key), "openai:baseUrl": fake.base_url, "openai:api": api}


def api_flag(api: str | None) -> list[str]:
    """The offline up's arguments choosing ``api`` (``None``: no flag, the default)."""
    return [] if api is None else ["--api", api]


def created(state_dir: Path, kind: str, name: str) -> str:
    """``(<id>`` of the resource ``kind name`` in the offline up's state (stack ``dev``) in ``state_dir``."""
    document = json.loads((state_dir / "dev.json").read_text())
    [found] = [r for r in document["resources"] if r["type"].endswith(f"openai:{kind}") and r["name"] == name]
    return f"({found['id']}"
