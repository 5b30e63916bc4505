"""The engine's side for Assistant, Thread and Message: the real dynamic-provider server driven over gRPC
(as `pulumi up`, `preview`, `refresh`, `import` and `destroy` drive it) against the fake over HTTP. Each
resource goes through one whole cycle: check, create, no-change diff, in-place update, replace diff,
refresh, import, delete, and a refresh once it is gone."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest

from pulumi_openai_run import (
    Assistant,
    AssistantProvider,
    Message,
    MessageProvider,
    Thread,
    ThreadProvider,
)
from pulumi_openai_run._core.tools import normalize_tool_resources
from pulumi_openai_run._objects.provider import ApiObjectProvider
from pulumi_openai_run.testing import (
    UNKNOWN,
    FakeOpenAI,
    ProviderError,
    ProviderServer,
    ProviderServerMocks,
    run_program,
    serialized_provider,
    urn,
)
from tests.engine.conftest import API_KEY


@dataclass(frozen=True)
class Case:
    resource: type
    provider: type[ApiObjectProvider]
    inputs: Callable[[FakeOpenAI], dict[str, Any]]
    in_place: dict[str, Any]
    """A change the modify call makes."""
    replace: dict[str, Any]
    """A change that makes a new object (empty: none does)."""
    server: Callable[[FakeOpenAI, str, dict[str, Any]], dict[str, Any]]
    """The object as the fake holds it (KeyError once gone)."""
    import_keys: tuple[str, ...] = ()
    """The inputs an import needs besides the id."""
    outputs: Callable[[dict[str, Any]], dict[str, Any]] = lambda server: {
        "object": server["object"], "created_at": server["created_at"]}
    """The outputs the state must hold for the object as the fake holds it."""


def _message_on(fake: FakeOpenAI, message_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    for message in fake.messages_on(inputs["thread_id"]):
        if message["id"] == message_id:
            return message
    raise KeyError(message_id)


def _conversation(fake: FakeOpenAI, conversation_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    with openai.OpenAI(base_url=fake.base_url, api_key=API_KEY, max_retries=0) as client:
        try:
            return client.conversations.retrieve(conversation_id).to_dict()
        except openai.NotFoundError:
            raise KeyError(conversation_id) from None


def _item_on(fake: FakeOpenAI, item_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    for item in fake.conversation_items(inputs["thread_id"]):
        if item["id"] == item_id:
            return item
    raise KeyError(item_id)


CASES = {
    "assistant": Case(
        Assistant, AssistantProvider,
        lambda fake: {"model": "gpt-4o", "name": "Helper", "temperature": 0.5, "metadata": {"team": "docs"},
                      "tools": [{"type": "code_interpreter"}], "api": "assistants"},
        in_place={"name": "Renamed", "model": "gpt-4.1", "temperature": 1.5},
        replace={},
        server=lambda fake, id_, inputs: fake.assistant(id_),
        import_keys=("api",),  # not needed (the asst_ id says), but the program says it
    ),
    "thread": Case(
        Thread, ThreadProvider,
        lambda fake: {"messages": [{"content": "Hi"}], "metadata": {"team": "docs"}, "api": "assistants"},
        in_place={"metadata": {"team": "ops"}, "tool_resources": {"code_interpreter": {"file_ids": ["file-1"]}}},
        replace={"messages": [{"content": "Hello"}]},
        server=lambda fake, id_, inputs: fake.thread(id_),
        import_keys=("api",),
    ),
    "message": Case(
        Message, MessageProvider,
        lambda fake: {"thread_id": fake.create_thread()["id"], "content": "What changed?",
                      "metadata": {"n": "1"}},
        in_place={"metadata": {"n": "2"}},
        replace={"content": "What else changed?"},
        server=_message_on,
        import_keys=("thread_id",),
    ),
    # on the Responses API: an agent, a conversation, a conversation item
    "agent": Case(
        Assistant, AssistantProvider,
        lambda fake: {"model": "gpt-6-astra", "name": "Helper", "api": "responses", "reasoning": {"effort": "low"},
                      "text": {"verbosity": "low"}, "metadata": {"team": "docs"}, "tools": [{"type": "automations"}]},
        in_place={"name": "Renamed", "model": "gpt-6.2-astra", "instructions": "Be brief."},
        replace={"api": "assistants"},
        server=lambda fake, id_, inputs: fake.agent(id_),
        import_keys=("api",),  # an agent's id names no API
    ),
    "conversation": Case(
        Thread, ThreadProvider,
        lambda fake: {"messages": [{"content": "Hi"}, {"role": "developer", "content": "Be brief."}],
                      "metadata": {"team": "docs"}, "api": "responses"},
        in_place={"metadata": {"team": "ops"}},
        replace={"messages": [{"content": "Hello"}]},
        server=_conversation,
        import_keys=("api",),  # not needed (the conv_ id says), but the program says it
    ),
    "item": Case(
        Message, MessageProvider,
        lambda fake: {"thread_id": fake.create_conversation()["id"],
                      "content": [{"type": "input_text", "text": "What is in it?"},
                                  {"type": "input_file", "file_id": "file-doc"}]},
        in_place={},
        replace={"content": "What else changed?", "role": "developer"},
        server=_item_on,
        import_keys=("thread_id",),
        outputs=lambda server: {"object": "conversation.item", "created_at": None, "status": server["status"]},
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_the_whole_cycle(engine: ProviderServer, fake: FakeOpenAI, name: str) -> None:
    case = CASES[name]
    resource_urn = urn(case.resource, name)
    blob = serialized_provider(case.provider())
    news = {**case.inputs(fake), "__provider": blob}

    # up: check, then create with the checked inputs
    checked = engine.check(resource_urn, {}, news)
    assert checked.failures == [] and checked.inputs == news
    object_id, state = engine.create(resource_urn, checked.inputs)
    server = case.server(fake, object_id, news)
    expected_outputs = case.outputs(server)
    assert {k: state.get(k) for k in expected_outputs} == expected_outputs  # null outputs are left out
    assert {k: state[k] for k in news} == news

    # preview of the same program (a fresh run serializes the provider again): no change, no request
    fake.clear_requests()
    again = {**news, "__provider": serialized_provider(case.provider())}
    assert engine.diff(resource_urn, object_id, state, again, old_inputs=news).changes == "none"
    assert fake.requests == []

    # an in-place change: the modify call, same id (a conversation item has none: any change is a new one)
    changed = {**news, **case.in_place}
    if case.in_place:
        diff = engine.diff(resource_urn, object_id, state, changed, old_inputs=news)
        assert (diff.changes, diff.replaces) == ("some", [])
        state = engine.update(resource_urn, object_id, state, changed, old_inputs=news)
        server = case.server(fake, object_id, changed)
        for key, value in case.in_place.items():
            assert state[key] == value
            # the API is sent every tool_resources section (empty ones clear what was there): same meaning
            assert normalize_tool_resources(server[key]) == normalize_tool_resources(value)

    # a change the API cannot make in place: a replacement
    if case.replace:
        diff = engine.diff(resource_urn, object_id, state, {**changed, **case.replace}, old_inputs=changed)
        assert (diff.changes, diff.replaces) == ("some", sorted(case.replace))
        assert diff.delete_before_replace is False

    # refresh: nothing drifted, the same state
    read = engine.read(resource_urn, object_id, state, changed)
    assert read.id == object_id and read.outs == state

    # import with the id (and the thread, for a message): the inputs come from the server
    imported = engine.read(resource_urn, object_id, {},
                           {**{k: changed[k] for k in case.import_keys}, "__provider": blob})
    assert imported.id == object_id and imported.inputs is not None
    expected = {k: v for k, v in changed.items() if k not in ("messages", "__provider")}
    assert {k: v for k, v in imported.inputs.items() if k != "__provider"} == expected

    # destroy, twice (the second finds it gone), then a refresh drops it from the stack
    engine.delete(resource_urn, object_id, state)
    with pytest.raises(KeyError):
        case.server(fake, object_id, changed)
    engine.delete(resource_urn, object_id, state)
    assert engine.read(resource_urn, object_id, state, changed).id == ""

    # the key is nowhere in what the engine keeps, nor in the provider's log
    assert API_KEY not in json.dumps([state, read.outs, imported.outs], default=str)
    assert API_KEY not in engine.log_text()


@pytest.mark.parametrize("name", CASES)
def test_preview_with_unknown_inputs_makes_no_request(engine: ProviderServer, fake: FakeOpenAI,
                                                      name: str) -> None:
    case = CASES[name]
    resource_urn = urn(case.resource, name)
    blob = serialized_provider(case.provider())
    news = {**case.inputs(fake), "__provider": blob}
    fake.clear_requests()
    unknowns = {key: UNKNOWN for key in news if key != "__provider"}
    assert engine.check(resource_urn, {}, {**unknowns, "__provider": blob}).failures == []
    state = {**news, "object": "x", "created_at": 1.0}
    if case.in_place:
        diff = engine.diff(resource_urn, "id_1", state, {**news, **dict.fromkeys(case.in_place, UNKNOWN)})
        assert (diff.changes, diff.replaces) == ("some", [])
    if case.replace:
        diff = engine.diff(resource_urn, "id_1", state, {**news, **dict.fromkeys(case.replace, UNKNOWN)})
        assert diff.replaces == sorted(case.replace)
    assert fake.requests == []


BAD = {
    "assistant": {"api": "assistants", "model": "", "temperature": 3.0, "tools": [{"type": "browser"}],
                  "response_format": "yaml"},
    "thread": {"api": "assistants", "messages": [{"role": "system", "content": "Hi"}], "metadata": {"k": 1.0},
               "tool_resources": {"file_search": {"vector_store_ids": ["a", "b"]}}},
    "message": {"thread_id": "../threads", "role": "robot", "content": "", "attachments": [{"file_id": "x y"}]},
    # on the Responses API: what the API has no place for, and what it cannot take
    "agent": {"api": "responses", "model": "", "temperature": 0.5, "tools": [{"type": "code_interpreter"}],
              "reasoning": {"effort": "extreme"}, "response_format": "auto"},
    "conversation": {"api": "responses", "tool_resources": {}, "messages": [{"content": "Hi"}] * 21},
    "item": {"thread_id": "conv_abc", "metadata": {"k": "v"}, "attachments": [],
             "content": [{"type": "input_image"}], "role": "tool"},
}
NOT_BAD = {"assistant": {"api"}, "thread": {"api"}, "agent": {"api"}, "conversation": {"api"}, "item": {"thread_id"}}
"""The inputs of a BAD case that are fine (they choose the API)."""


@pytest.mark.parametrize("name", CASES)
def test_bad_inputs_fail_check_one_failure_per_field_without_a_request(engine: ProviderServer, fake: FakeOpenAI,
                                                                       name: str) -> None:
    case = CASES[name]
    fake.clear_requests()
    news = {**BAD[name], "colour": "red", "__provider": serialized_provider(case.provider())}
    failures = dict(engine.check(urn(case.resource, name), {}, news).failures)
    assert set(failures) == {*BAD[name], "colour"} - NOT_BAD.get(name, set())
    for field, reason in failures.items():
        assert f"'{field}'" in reason
    assert fake.requests == []


def test_a_message_without_its_thread_cannot_be_imported(engine: ProviderServer, fake: FakeOpenAI) -> None:
    blob = serialized_provider(MessageProvider())
    # the default API's spelling of the thread: thread_... or conv_...
    with pytest.raises(ProviderError, match=r"Message\.get\(name, 'msg_\.\.\.', thread_id='(thread|conv)_\.\.\.'\)"):
        engine.read(urn(Message, "orphan"), "msg_abc", {}, {"__provider": blob})


def test_get_adopts_existing_objects_in_a_program(engine: ProviderServer, fake: FakeOpenAI,
                                                  tmp_path: Path) -> None:
    assistant = fake.create_assistant(model="gpt-4o", name="Existing")
    thread = fake.create_thread(messages=["Already asked."], metadata={"owner": "ops"})
    [message] = fake.messages_on(thread["id"])
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi\n"
        "from pulumi_openai_run import Assistant, Message, Thread\n"
        f"a = Assistant.get('existing', {assistant['id']!r})\n"
        f"t = Thread.get('thread', {thread['id']!r})\n"
        f"m = Message.get('question', {message['id']!r}, thread_id={thread['id']!r})\n"
        "pulumi.export('name', a.name)\n"
        "pulumi.export('owner', t.metadata['owner'])\n"
        "pulumi.export('content', m.content)\n"
        "pulumi.export('status', m.status)\n"
    )
    mocks = ProviderServerMocks(engine)
    exports = run_program(program, mocks, project="openai-run-quickstart")
    assert [r.operation for r in mocks.registrations] == ["read"] * 3
    assert dict(exports) == {"name": "Existing", "owner": "ops", "content": "Already asked.",
                             "status": "completed"}


def test_get_adopts_an_agent_a_conversation_and_its_item_in_a_program(engine: ProviderServer, fake: FakeOpenAI,
                                                                     tmp_path: Path) -> None:
    agent = fake.create_agent(name="Existing", reasoning={"effort": "high"})
    conversation = fake.create_conversation(messages=["Already asked."], metadata={"owner": "ops"})
    [item] = fake.conversation_items(conversation["id"])
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi\n"
        "from pulumi_openai_run import Assistant, Message, Thread\n"
        f"a = Assistant.get('existing', {agent['id']!r}, api='responses')\n"
        f"t = Thread.get('conversation', {conversation['id']!r})\n"
        f"m = Message.get('question', {item['id']!r}, thread_id={conversation['id']!r})\n"
        "pulumi.export('name', a.name)\n"
        "pulumi.export('effort', a.reasoning['effort'])\n"
        "pulumi.export('object', a.object)\n"
        "pulumi.export('owner', t.metadata['owner'])\n"
        "pulumi.export('content', m.content)\n"
        "pulumi.export('item', m.object)\n"
    )
    mocks = ProviderServerMocks(engine)
    exports = run_program(program, mocks, project="openai-run-quickstart")
    assert [r.operation for r in mocks.registrations] == ["read"] * 3
    assert dict(exports) == {"name": "Existing", "effort": "high", "object": "agent", "owner": "ops",
                             "content": "Already asked.", "item": "conversation.item"}


def test_a_preview_of_a_message_on_a_conversation_not_made_yet_passes_check(engine: ProviderServer,
                                                                           fake: FakeOpenAI) -> None:
    # Thread(api="responses") and a Message on it with an input_file part: in preview the thread's id is
    # unknown, so nothing says the Message is on the Responses API yet; check lets what fits some API pass.
    blob = serialized_provider(MessageProvider())
    fake.clear_requests()
    news = {"thread_id": UNKNOWN, "content": [{"type": "input_file", "file_id": "file-doc"}], "__provider": blob}
    assert engine.check(urn(Message, "question"), {}, news).failures == []
    known = {**news, "thread_id": "thread_abc"}  # at `up` the id is known: the Assistants API takes no input_file
    [(field, reason)] = engine.check(urn(Message, "question"), {}, known).failures
    assert field == "content" and "input_file" in reason
    assert fake.requests == []


def test_a_program_stands_up_an_agent_a_conversation_and_a_question_on_it(engine: ProviderServer, fake: FakeOpenAI,
                                                                         tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi\n"
        "from pulumi_openai_run import Assistant, Message, Thread\n"
        "a = Assistant('helper', model='gpt-6-astra', instructions='Answer in one sentence.', api='responses',\n"
        "              reasoning={'effort': 'low'})\n"
        "t = Thread('conversation', api='responses', metadata={'team': 'docs'},\n"
        "           messages=[{'role': 'developer', 'content': 'Be brief.'}])\n"
        "q = Message('question', thread_id=t.id, content=[{'type': 'input_text', 'text': 'Summarise this.'},\n"
        "            {'type': 'input_file', 'file_id': 'file-report'}])\n"
        "pulumi.export('agent', a.id)\n"
        "pulumi.export('object', a.object)\n"
        "pulumi.export('conversation', t.id)\n"
        "pulumi.export('question', q.id)\n"
        "pulumi.export('status', q.status)\n"
    )
    mocks = ProviderServerMocks(engine)
    exports = dict(run_program(program, mocks, project="openai-run-quickstart"))
    assert [r.operation for r in mocks.registrations] == ["create"] * 3
    assert fake.agent(exports["agent"])["reasoning"]["effort"] == "low" and exports["object"] == "agent"
    items = fake.conversation_items(exports["conversation"])
    assert [(i["role"], [p["type"] for p in i["content"]]) for i in items] == [
        ("developer", ["input_text"]), ("user", ["input_text", "input_file"])]
    assert items[-1]["id"] == exports["question"] and exports["status"] == "completed"


def test_outputs_that_are_a_string_or_a_list_or_map_reach_the_program(engine: ProviderServer, fake: FakeOpenAI,
                                                                      tmp_path: Path) -> None:
    # Message.content and Assistant.response_format are a string or parts / a map: Pulumi's output
    # translation raises on such a union, so they are typed Any (they failed the program before).
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi\n"
        "from pulumi_openai_run import Assistant, Message, Thread\n"
        "a = Assistant('helper', model='gpt-4o', api='assistants', response_format={'type': 'json_schema',\n"
        "              'json_schema': {'name': 'answer', 'schema': {'type': 'object'}}})\n"
        "t = Thread('thread', api='assistants')\n"
        "q = Message('question', thread_id=t.id, content=[{'type': 'text', 'text': 'Hi'}])\n"
        "pulumi.export('format', a.response_format['type'])\n"
        "pulumi.export('parts', q.content)\n"
    )
    exports = dict(run_program(program, ProviderServerMocks(engine), project="openai-run-quickstart"))
    assert exports == {"format": "json_schema", "parts": [{"type": "text", "text": "Hi"}]}


def test_the_quickstart_chain_on_the_responses_api(engine: ProviderServer, fake: FakeOpenAI, tmp_path: Path) -> None:
    # agent -> conversation -> question -> run, no ids by hand: the Run reads the agent and answers the item
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi\n"
        "from pulumi_openai_run import Assistant, Message, Run, Thread\n"
        "a = Assistant('helper', model='gpt-6-astra', instructions='Answer in one sentence.', api='responses')\n"
        "t = Thread('conversation', api='responses')\n"
        "q = Message('question', thread_id=t.id, content='Summarise our quarterly report.')\n"
        "r = Run('summary', assistant_id=a.id, thread_id=t.id, completion_window=60,\n"
        "        opts=pulumi.ResourceOptions(depends_on=[q]))\n"
        "pulumi.export('status', r.status)\n"
        "pulumi.export('object', r.object)\n"
        "pulumi.export('conversation', t.id)\n"
        "pulumi.export('question', q.id)\n"
    )
    exports = dict(run_program(program, ProviderServerMocks(engine), project="openai-run-quickstart"))
    assert (exports["status"], exports["object"]) == ("completed", "response")
    items = fake.conversation_items(exports["conversation"])
    assert items[0]["id"] == exports["question"] and items[-1]["role"] == "assistant"
