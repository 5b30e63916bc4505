"""The fake's store survives a JSON round trip: a restored fake serves the same objects, runs and responses."""

from __future__ import annotations

import json

import httpx2
import pytest

from pulumi_openai_run.testing import FakeOpenAI


def test_a_restored_fake_serves_what_the_snapshot_held() -> None:
    fake = FakeOpenAI()
    assistant = fake.create_assistant(instructions="Answer.")
    thread = fake.create_thread(["hi"])
    conversation = fake.create_conversation(["yo"])
    with httpx2.Client(transport=fake.transport(), base_url="http://127.0.0.1/v1",
                       headers={"Authorization": f"Bearer {fake.api_key}", "OpenAI-Beta": "assistants=v2"}) as client:
        run = client.post(f"/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"]}).json()
        response = client.post("/responses", json={"model": "gpt-6-astra", "input": "hi", "background": True,
                                                   "conversation": conversation["id"]}).json()
    fake.advance(5)
    snapshot = json.loads(json.dumps(fake.snapshot()))
    restored = FakeOpenAI().restore(snapshot)
    assert restored.assistant(assistant["id"]) == fake.assistant(assistant["id"])
    assert restored.run(run["id"]) == fake.run(run["id"]) and restored.run(run["id"])["status"] == "completed"
    assert restored.messages_on(thread["id"]) == fake.messages_on(thread["id"])
    assert restored.response(response["id"]) == fake.response(response["id"])
    assert restored.conversation_items(conversation["id"]) == fake.conversation_items(conversation["id"])
    assert restored.now() == fake.now()


def test_restore_refuses_what_is_not_a_snapshot() -> None:
    with pytest.raises(ValueError, match="not a fake snapshot of format 1"):
        FakeOpenAI().restore({"format": 7})
