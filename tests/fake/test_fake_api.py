"""CRUD routes, validation errors, package import cost and the command line of the fake."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI, RunScript

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")




def test_assistant_crud(client: openai.OpenAI) -> None:
    created = client.beta.assistants.create(
        model="gpt-4o", name="Helper", instructions="Help.", tools=[{"type": "file_search"}], metadata={"k": "v"}
    )
    assert created.id.startswith("asst_") and created.object == "assistant"
    assert (created.name, created.instructions, created.metadata) == ("Helper", "Help.", {"k": "v"})
    assert [tool.type for tool in created.tools] == ["file_search"]
    assert client.beta.assistants.retrieve(created.id).name == "Helper"
    updated = client.beta.assistants.update(created.id, name="Renamed")
    assert (updated.name, updated.instructions) == ("Renamed", "Help.")
    assert [a.id for a in client.beta.assistants.list()] == [created.id]
    deleted = client.beta.assistants.delete(created.id)
    assert (deleted.id, deleted.deleted) == (created.id, True)
    with pytest.raises(openai.NotFoundError, match=re.escape(f"No assistant found with id '{created.id}'.")):
        client.beta.assistants.retrieve(created.id)


def test_thread_and_message_crud(client: openai.OpenAI) -> None:
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "Hello"}],
        metadata={"owner": "tests"},
        tool_resources={"code_interpreter": {"file_ids": ["file-1"]}},
    )
    assert thread.id.startswith("thread_") and thread.metadata == {"owner": "tests"}
    assert thread.tool_resources is not None and thread.tool_resources.code_interpreter is not None
    assert client.beta.threads.update(thread.id, metadata={"owner": "me"}).metadata == {"owner": "me"}
    [first] = client.beta.threads.messages.list(thread_id=thread.id).data
    assert first.content[0].type == "text" and first.content[0].text.value == "Hello"
    assert (first.role, first.run_id, first.status) == ("user", None, "completed")
    second = client.beta.threads.messages.create(
        thread_id=thread.id, role="user", content=[{"type": "text", "text": "Parts"}], metadata={"n": "2"}
    )
    assert second.id.startswith("msg_") and second.content[0].type == "text"
    assert second.content[0].text.value == "Parts"
    assert client.beta.threads.messages.update(second.id, thread_id=thread.id, metadata={"n": "3"}).metadata == {
        "n": "3"
    }
    assert [m.id for m in client.beta.threads.messages.list(thread_id=thread.id)] == [second.id, first.id]
    assert client.beta.threads.messages.delete(second.id, thread_id=thread.id).deleted is True
    with pytest.raises(openai.NotFoundError, match="No message found"):
        client.beta.threads.messages.retrieve(second.id, thread_id=thread.id)
    assert client.beta.threads.delete(thread.id).deleted is True
    with pytest.raises(openai.NotFoundError, match=re.escape(f"No thread found with id '{thread.id}'.")):
        client.beta.threads.retrieve(thread.id)


@pytest.mark.parametrize(
    ("extra_body", "param"),
    [
        ({"temperature": 3}, "temperature"),
        ({"top_p": "high"}, "top_p"),
        ({"metadata": {"k": 1}}, "metadata.k"),
        ({"max_completion_tokens": 0}, "max_completion_tokens"),
        ({"tools": [{"type": "browser"}]}, "tools[0].type"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_invalid_run_body_is_400_naming_the_param(
    fake: FakeOpenAI, client: openai.OpenAI, extra_body: dict[str, object], param: str
) -> None:
    assistant = fake.create_assistant()
    thread = fake.create_thread()
    with pytest.raises(openai.BadRequestError) as error:
        client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"], extra_body=extra_body)
    assert error.value.param == param
    assert error.value.type == "invalid_request_error"
    assert fake.runs_on(thread["id"]) == []


def test_missing_required_param_and_unknown_url(fake: FakeOpenAI, client: openai.OpenAI) -> None:
    thread = fake.create_thread()
    with pytest.raises(openai.BadRequestError) as error:
        client.post(f"/threads/{thread['id']}/runs", body={}, cast_to=object)
    assert error.value.param == "assistant_id" and error.value.code == "missing_required_parameter"
    with pytest.raises(openai.NotFoundError, match=r"Invalid URL \(GET /v1/nowhere\)"):
        client.get("/nowhere", cast_to=object)


def test_seeding_helpers(fake: FakeOpenAI) -> None:
    assistant = fake.create_assistant(model="gpt-4o-mini", name="Seeded")
    assert (assistant["model"], assistant["name"], assistant["object"]) == ("gpt-4o-mini", "Seeded", "assistant")
    thread = fake.create_thread(messages=["one", {"role": "assistant", "content": "two"}], metadata={"a": "b"})
    assert thread["metadata"] == {"a": "b"}
    message = fake.add_message(thread["id"], "three")
    assert message["thread_id"] == thread["id"] and message["content"][0]["text"]["value"] == "three"
    assert fake.now() == 1_750_000_000
    fake.advance(2.5)
    assert fake.now() == 1_750_000_002.5
    assert fake.requests == []


@pytest.mark.slow
def test_import_does_not_load_openai_or_httpx2() -> None:
    code = (
        "import sys, pulumi_openai_run.testing as t; "
        "t.FakeOpenAI(); "
        "loaded = [m for m in ('openai', 'httpx2') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)


@pytest.mark.slow
def test_command_line_serves_and_seeds() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_openai_run.testing", "--port", "0", "--api-key", "sk-cli", "--seed"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        key_line = process.stdout.readline().strip()
        seeded = dict(process.stdout.readline().split()[0].split("=", 1) for _ in range(4))
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        assert key_line == "api_key=sk-cli"
        assert sorted(seeded) == ["agent_id", "assistant_id", "conversation_id", "thread_id"]
        assert seeded["conversation_id"].startswith("conv_") and seeded["assistant_id"].startswith("asst_")
        assert seeded["thread_id"].startswith("thread_")
        with openai.OpenAI(base_url=base_url, api_key="sk-cli", max_retries=0) as client:
            messages = client.beta.threads.messages.list(thread_id=seeded["thread_id"]).data
            assert len(messages) == 1 and messages[0].role == "user"
            run = client.beta.threads.runs.create(
                thread_id=seeded["thread_id"], assistant_id=seeded["assistant_id"], stream=True
            )
            with run:
                assert [event.event for event in run][-1] == "thread.run.completed"
            agent = client.beta.agents.retrieve(seeded["agent_id"])
            response = client.responses.create(model=agent.model, instructions=agent.instructions,
                                               conversation=seeded["conversation_id"], input="Hi", stream=True)
            with response:
                assert [event.type for event in response][-1] == "response.completed"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        if process.stdout is not None:
            process.stdout.close()


def test_default_script_is_the_fallback(fake: FakeOpenAI) -> None:
    assert fake.default_script == RunScript()
    with pytest.raises(ValueError):
        RunScript(outcome="exploded")  # type: ignore[arg-type]
