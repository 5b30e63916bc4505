"""The fake's Responses API as today's OpenAI serves it: configuration inline (no prompt objects, shut down
on 2026-11-30), ``input`` as a string or messages with content parts, and the conversation as a string or
``{"id"}``; through the real openai client."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI, RunScript

MODEL = "gpt-6-astra"
TOOL = {"type": "function", "name": "lookup", "description": "Look it up.", "parameters": {"type": "object"},
        "strict": False}


@pytest.fixture
def conversation(fake: FakeOpenAI) -> str:
    return str(fake.create_conversation(messages=["Hi"])["id"])


def test_inline_configuration_is_echoed(fake: FakeOpenAI, client: openai.OpenAI, conversation: str) -> None:
    response = client.responses.create(
        model=MODEL, instructions="Be brief.", tools=[TOOL], input="What now?", conversation={"id": conversation},
        background=True, store=True, temperature=0.4, top_p=0.9, max_output_tokens=300, metadata={"k": "v"},
        include=["file_search_call.results"], reasoning={"effort": "low"},
        text={"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object"}}})
    assert (response.model, response.instructions, response.temperature, response.top_p) == (
        MODEL, "Be brief.", 0.4, 0.9)
    assert (response.max_output_tokens, response.metadata, response.prompt) == (300, {"k": "v"}, None)
    assert response.conversation is not None and response.conversation.id == conversation
    assert [tool.type for tool in response.tools] == ["function"] and response.background
    assert response.reasoning is not None and response.reasoning.effort == "low"
    assert response.text is not None and response.text.format is not None
    assert response.text.format.type == "json_schema"
    assert client.responses.retrieve(response.id) == response


def test_input_messages_with_parts_join_the_conversation_before_the_output(
        fake: FakeOpenAI, client: openai.OpenAI, conversation: str) -> None:
    fake.script_runs(RunScript(reply="A cat."))
    parts: Any = [{"type": "input_text", "text": "What is this?"},
                  {"type": "input_image", "image_url": "https://example.com/cat.png"},
                  {"type": "input_file", "file_id": "file-abc"}]
    response = client.responses.create(model=MODEL, conversation=conversation, background=True,
                                       input=[{"role": "user", "content": parts}])
    assert len(client.conversations.items.list(conversation).data) == 1  # joins when it completes
    fake.advance(1)
    assert client.responses.retrieve(response.id).output_text == "A cat."
    items = client.conversations.items.list(conversation, order="asc").data
    assert [getattr(item, "role", None) for item in items] == ["user", "user", "assistant"]
    question = items[1]
    assert question.type == "message"
    assert [part.type for part in question.content] == ["input_text", "input_image", "input_file"]
    assert question.content[1].detail == "auto"  # type: ignore[union-attr]


def test_a_foreground_response_without_a_conversation(fake: FakeOpenAI, client: openai.OpenAI) -> None:
    fake.default_script = RunScript(queued_for=0, duration=0, reply="Done.")
    response = client.responses.create(model=MODEL, input="Hi", store=False)
    assert response.status == "completed" and response.output_text == "Done." and response.conversation is None


@pytest.mark.parametrize(("fields", "message"), [
    ({"input": "Hi"}, "Missing required parameter: 'model'"),
    ({"model": MODEL, "input": [{"role": "user", "content": [{"type": "image", "url": "x"}]}]},
     "Invalid value: 'image'"),
    ({"model": MODEL, "input": [{"role": "user", "content": [{"type": "input_image"}]}]}, "image_url"),
    ({"model": MODEL, "input": [{"role": "user", "content": [{"type": "input_text"}]}]},
     r"'input\[0\].content\[0\].text'"),
    ({"model": MODEL, "input": [{"role": "user", "content": [{"type": "input_file", "nope": 1}]}]}, "nope"),
    ({"model": MODEL, "input": [{"role": "user", "content": 3}]}, r"input\[0\].content"),
    ({"model": MODEL, "text": {"format": {"type": "json_schema", "schema": {}}}}, r"'text.format.name'"),
    ({"model": MODEL, "reasoning": {"effort": "huge"}}, "huge"),
])
def test_inline_requests_the_service_refuses(client: openai.OpenAI, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(openai.BadRequestError, match=message):
        client.post("/responses", body={"background": True, **fields}, cast_to=object)


def test_prompt_objects_are_shut_down_unless_seeded(fake: FakeOpenAI, client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="shut down on 2026-11-30") as caught:
        client.responses.create(prompt={"id": "pmpt_abc"}, background=True)
    assert caught.value.param == "prompt"
    prompt = fake.create_prompt(model=MODEL)  # a test that seeds prompts gets the old behaviour
    assert client.responses.create(prompt={"id": prompt["id"]}, background=True).model == MODEL


@pytest.mark.parametrize("stored", [True, False])
def test_stored_prompts_can_be_forced(stored: bool) -> None:
    with FakeOpenAI(stored_prompts=stored) as fake:
        prompt = fake.create_prompt(model=MODEL)
        with openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0) as client:
            if stored:
                assert client.responses.create(prompt={"id": prompt["id"]}, background=True).status == "queued"
            else:
                with pytest.raises(openai.BadRequestError, match="shut down"):
                    client.responses.create(prompt={"id": prompt["id"]}, background=True)


@pytest.mark.parametrize("tool", [{"type": "tool_search"}, {"type": "programmatic_tool_calling"},
                                  {"type": "web_search", "search_context_size": "low"},
                                  {"type": "function", "name": "f", "defer_loading": True}])
def test_the_responses_api_takes_its_tool_types(client: openai.OpenAI, tool: dict[str, Any]) -> None:
    response = client.post("/responses", body={"model": MODEL, "background": True, "tools": [tool]},
                           cast_to=object)
    assert response["tools"] == [tool]  # type: ignore[index]


@pytest.mark.parametrize(("tool", "message"), [
    ({"type": "computer_use"}, "Invalid value: 'computer_use'"),  # an agent object's tool, not a response's
    ({"type": "automations"}, "Invalid value: 'automations'"),
    ({"type": "web_search", "mode": "live"}, r"tools\[0\].mode"),  # the agent object's spelling
    ({"type": "mcp", "server_label": "x", "transport": {"type": "http", "server_url": "u"}}, r"tools\[0\]"),
])
def test_tools_a_response_cannot_take(client: openai.OpenAI, tool: dict[str, Any], message: str) -> None:
    with pytest.raises(openai.BadRequestError, match=message) as caught:
        client.post("/responses", body={"model": MODEL, "background": True, "tools": [tool]}, cast_to=object)
    assert str(caught.value.param).startswith("tools[0]")


@pytest.mark.parametrize("name", ["temperature", "top_p"])
def test_models_that_refuse_sampling_parameters(name: str) -> None:
    with FakeOpenAI(sampling_refused_by=[MODEL]) as fake, openai.OpenAI(
            base_url=fake.base_url, api_key=fake.api_key, max_retries=0) as client:
        with pytest.raises(openai.BadRequestError, match=f"'{name}' is not supported") as caught:
            client.post("/responses", body={"model": MODEL, "background": True, name: 0.5}, cast_to=object)
        assert caught.value.param == name and caught.value.code == "unsupported_parameter"
        assert client.responses.create(model="other-model", top_p=0.5, background=True).top_p == 0.5
