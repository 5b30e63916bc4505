"""Whole programs on OGX, played as `pulumi up` plays them (``run_program`` under ``set_mocks``, each resource
sent to the real dynamic-provider server): the chain with its models inline works; the quickstart, whose
Run reads an Assistant (an agent), fails at the Assistant, saying why and what to do instead."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from pulumi_openai_run._objects.assistant import NO_AGENTS_API
from pulumi_openai_run.testing import ProviderServer, ProviderServerMocks, ResourceFailedError, run_program

HERE = Path(__file__).resolve().parent
QUICKSTART = HERE.parents[1] / "examples" / "quickstart"


def text_of(content: str | list[dict[str, str]]) -> str:
    """An item's text: its content as a string (OGX answers a message sent with a string so; OpenAI always
    answers a list of parts), or its parts' texts."""
    return content if isinstance(content, str) else " ".join(part["text"] for part in content)


def test_the_chain_with_models_inline_runs_on_ogx(engine: ProviderServer, ogx_url: str) -> None:
    question = "How was the third quarter?"
    mocks = ProviderServerMocks(engine)
    exports = run_program(HERE / "stack", mocks, project="openai-run-ogx", config={"question": question})
    assert exports["statuses"] == ["completed", "completed"]
    assert exports["summary"] == f"echo: {question}"  # answered from the conversation: the Message's question
    assert exports["follow_up"] == "echo: And the outlook?"
    items = httpx2.get(f"{ogx_url}/conversations/{exports['conversation_id']}/items", params={"order": "asc"})
    texts = [text_of(item["content"]) for item in items.json()["data"]]
    assert texts == [question, f"echo: {question}", "And the outlook?", "echo: And the outlook?"]
    assert [r.type.rsplit(":", 1)[-1] for r in mocks.registrations] == ["Thread", "Message", "Run", "Run"]


def test_the_quickstart_fails_at_its_assistant_saying_ogx_has_no_agents(engine: ProviderServer) -> None:
    with pytest.raises(ResourceFailedError) as failed:
        run_program(QUICKSTART, ProviderServerMocks(engine), project="openai-run-quickstart",
                    config={"model": "stub/stub-echo"})
    assert failed.value.name == "helper" and "Assistant" in failed.value.type
    assert NO_AGENTS_API in str(failed.value)
