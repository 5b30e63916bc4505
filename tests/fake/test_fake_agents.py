"""The fake's Agents API (beta, ``OpenAI-Beta: agents=v1``) through openai-python's ``client.beta.agents``."""

from __future__ import annotations

from typing import Any

import httpx2
import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI

FUNCTION = {"type": "function", "name": "lookup", "description": "Look it up.",
            "parameters": {"type": "object", "properties": {}}}


def test_crud_with_the_sdk(client: openai.OpenAI, fake: FakeOpenAI) -> None:
    agent = client.beta.agents.create(model="gpt-6-astra", name="helper", instructions="Be brief.",
                                      tools=[FUNCTION, {"type": "web_search"}], metadata={"team": "docs"},
                                      reasoning={"effort": "low"})
    assert agent.object == "agent" and agent.id.startswith("agent_")
    assert (agent.model, agent.name, agent.instructions, agent.metadata) == (
        "gpt-6-astra", "helper", "Be brief.", {"team": "docs"})
    assert [tool.type for tool in agent.tools] == ["function", "web_search"]
    assert agent.reasoning.effort == "low" and agent.text.verbosity == "medium"
    assert client.beta.agents.retrieve(agent.id) == agent

    updated = client.beta.agents.update(agent.id, instructions="Be thorough.", metadata={"owner": "me"})
    assert updated.instructions == "Be thorough." and updated.metadata == {"owner": "me"}  # the map is replaced
    assert updated.name == "helper" and updated.tools == agent.tools  # what is not sent stays
    assert client.beta.agents.update(agent.id, metadata={}, tools=None, name=None).model_dump(
        include={"metadata", "tools", "name"}) == {"metadata": {}, "tools": [], "name": None}
    assert fake.agent(agent.id)["instructions"] == "Be thorough."

    deleted = client.beta.agents.delete(agent.id)
    assert deleted.deleted and deleted.id == agent.id
    with pytest.raises(openai.NotFoundError, match=f"Agent with id '{agent.id}' not found"):
        client.beta.agents.retrieve(agent.id)
    with pytest.raises(KeyError):
        fake.agent(agent.id)


def test_list_pages_like_the_other_lists(client: openai.OpenAI, fake: FakeOpenAI) -> None:
    ids = [fake.create_agent(instructions=f"n{i}")["id"] for i in range(5)]
    assert [a.id for a in client.beta.agents.list(order="asc", limit=2)] == ids  # auto-paging with after
    page = client.beta.agents.list(limit=2)
    assert [a.id for a in page.data] == ids[:-3:-1] and page.has_more
    assert [a.id for a in client.beta.agents.list(order="asc", after=ids[2]).data] == ids[3:]


def test_the_beta_header_is_required(fake: FakeOpenAI, mode: str) -> None:
    base = fake.base_url if mode == "http" else "http://127.0.0.1/v1"
    transport = None if mode == "http" else fake.transport()
    with httpx2.Client(transport=transport) as http:
        headers = {"Authorization": f"Bearer {fake.api_key}"}
        answer = http.post(f"{base}/agents", json={"model": "gpt-6-astra"}, headers=headers)
        assert answer.status_code == 400 and "OpenAI-Beta: agents=v1" in answer.json()["error"]["message"]
        answer = http.get(f"{base}/agents", headers={**headers, "OpenAI-Beta": "assistants=v2, agents=v1"})
        assert answer.status_code == 200
    assert fake.agents() == []


@pytest.mark.parametrize(("fields", "message"), [
    ({}, "Missing required parameter: 'model'"),
    ({"model": "m", "temperature": 0.5}, "Unrecognized request argument supplied: temperature"),
    ({"model": "m", "tool_resources": {}}, "Unrecognized request argument supplied: tool_resources"),
    ({"model": "m", "metadata": {f"k{i}": "v" for i in range(17)}}, "at most 16 properties"),
    ({"model": "m", "tools": [{"type": "code_interpreter"}]}, "Invalid value: 'code_interpreter'"),
    ({"model": "m", "tools": [{"type": "file_search"}]}, "Invalid value: 'file_search'"),
    ({"model": "m", "tools": [{"type": "function", "name": "f"}]}, r"'tools\[0\].description'"),
    ({"model": "m", "tools": [{"type": "function", "function": {"name": "f"}}]}, "tools\\[0\\]"),
    ({"model": "m", "reasoning": {"effort": "huge"}}, "huge"),
])
def test_create_validates_like_the_api(client: openai.OpenAI, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(openai.BadRequestError, match=message):
        client.post("/agents", body=fields, cast_to=object, options={"headers": {"OpenAI-Beta": "agents=v1"}})


def test_every_tool_type_reads_back_in_its_persisted_form(client: openai.OpenAI, fake: FakeOpenAI) -> None:
    tools: list[Any] = [FUNCTION, {"type": "tool_search"}, {"type": "programmatic_tool_calling"},
                        {"type": "mcp", "server_label": "docs",
                         "transport": {"type": "http", "server_url": "https://mcp.example.com"}},
                        {"type": "web_search", "mode": "cached"}, {"type": "computer_use"}, {"type": "automations"}]
    agent = client.beta.agents.create(model="gpt-6-astra", tools=tools)
    assert [tool.type for tool in agent.tools] == [tool["type"] for tool in tools]
    seeded = fake.create_agent(tools=tools)
    assert seeded["tools"] == agent.model_dump(mode="json", by_alias=True, exclude_unset=True)["tools"]
    with pytest.raises(openai.BadRequestError):
        client.beta.agents.update(agent.id, model=None)  # type: ignore[arg-type]
