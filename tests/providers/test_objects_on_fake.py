"""AssistantProvider, ThreadProvider and MessageProvider against the fake Assistants API over HTTP:
create, refresh, import, update in place, delete; transient errors retried on every call, lost creates
found instead of repeated, other errors failing fast, and the key in no error."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from pulumi_openai_run import AssistantProvider, MessageProvider, ThreadProvider
from pulumi_openai_run._objects.message import FILES_ON_RESPONSES
from pulumi_openai_run._objects.provider import ApiObjectProvider, ProviderError
from pulumi_openai_run.schema import CREATE_TOKEN_KEY as TOKEN_KEY
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, Fault, configured_provider

ProviderClass = type[ApiObjectProvider]

TRANSIENT = {
    "429 with Retry-After": {"kind": "status", "status": 429, "retry_after": 3.0},
    "503": {"kind": "status", "status": 503},
    "connection reset": {"kind": "reset"},
}


ON_ASSISTANTS = {"openai:api": "assistants"}
"""What places an assistant or a thread (no ids to say yet) on the Assistants API, whatever the default."""


@pytest.fixture
def assistants(fake: FakeOpenAI, fake_clock: FakeApiClock) -> AssistantProvider:
    provider: AssistantProvider = configured_provider(fake, AssistantProvider, **ON_ASSISTANTS)
    return provider


@pytest.fixture
def threads(fake: FakeOpenAI, fake_clock: FakeApiClock) -> ThreadProvider:
    provider: ThreadProvider = configured_provider(fake, ThreadProvider, **ON_ASSISTANTS)
    return provider


@pytest.fixture
def messages(fake: FakeOpenAI, fake_clock: FakeApiClock) -> MessageProvider:
    provider: MessageProvider = configured_provider(fake, MessageProvider)
    return provider


def test_an_assistants_whole_life(fake: FakeOpenAI, assistants: AssistantProvider) -> None:
    inputs = {"model": "gpt-4o", "name": "Helper", "instructions": "Be brief.", "temperature": 0.5,
              "tools": [{"type": "function", "name": "lookup", "parameters": '{"type": "object"}'}],
              "metadata": {"team": "docs"}}
    created = assistants.create(dict(inputs))
    server = fake.assistant(created.id)
    assert created.outs == {**inputs, "object": "assistant", "created_at": server["created_at"]}
    assert server["tools"] == [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
    assert server["temperature"] == 0.5 and server["metadata"]["team"] == "docs"

    refreshed = assistants.read(created.id, dict(created.outs))
    assert refreshed.id == created.id and refreshed.inputs == inputs and refreshed.outs == created.outs

    news = {**inputs, "name": "Renamed"}
    del news["temperature"], news["tools"]
    fake.clear_requests()
    updated = assistants.update(created.id, dict(created.outs), news)
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", f"/assistants/{created.id}")
    assert request.json == {"name": "Renamed", "temperature": 1.0, "tools": []}
    assert updated.outs == {**news, "object": "assistant", "created_at": server["created_at"]}

    imported = assistants.read(created.id, {})
    assert imported.inputs == news

    assistants.delete(created.id, dict(updated.outs))
    assert fake.assistants() == []
    assistants.delete(created.id, dict(updated.outs))  # already gone: no error
    assert assistants.read(created.id, dict(updated.outs)).id == ""


def test_refresh_sees_drift_and_the_next_up_undoes_it(fake: FakeOpenAI, assistants: AssistantProvider) -> None:
    created = assistants.create({"model": "gpt-4o", "name": "Helper"})
    by_hand = openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0)
    with pytest.deprecated_call():
        by_hand.beta.assistants.update(created.id, name="Hand-edited", instructions="Be rude.")
    refreshed = assistants.read(created.id, dict(created.outs))
    assert refreshed.inputs == {"model": "gpt-4o", "name": "Hand-edited", "instructions": "Be rude."}
    program = {"model": "gpt-4o", "name": "Helper"}
    assert assistants.diff(created.id, refreshed.outs, program).changes is True
    assistants.update(created.id, refreshed.outs, program)
    assert fake.assistant(created.id)["name"] == "Helper" and fake.assistant(created.id)["instructions"] is None


def test_a_thread_with_messages_then_a_message_on_it(fake: FakeOpenAI, threads: ThreadProvider,
                                                      messages: MessageProvider) -> None:
    thread = threads.create({"messages": [{"content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
                             "metadata": {"team": "docs"}})
    assert thread.outs["object"] == "thread"
    assert [(m["role"], m["content"][0]["text"]["value"]) for m in fake.messages_on(thread.id)] == [
        ("user", "Hi"), ("assistant", "Hello!")]
    assert TOKEN_KEY not in fake.thread(thread.id)["metadata"]  # threads carry no marker

    files = {"code_interpreter": {"file_ids": ["file-1"]}}
    changed = threads.update(thread.id, dict(thread.outs),
                             {**thread.outs, "metadata": {"team": "ops"}, "tool_resources": files})
    assert fake.thread(thread.id)["metadata"] == {"team": "ops"}
    # every section is sent, an empty one to clear what was there (the API keeps sections it is not sent)
    assert fake.thread(thread.id)["tool_resources"] == {"code_interpreter": {"file_ids": ["file-1"]},
                                                        "file_search": {"vector_store_ids": []}}
    assert changed.outs["metadata"] == {"team": "ops"}

    message = messages.create({"thread_id": thread.id, "content": "What changed?", "metadata": {"n": "1"}})
    assert message.outs["status"] == "completed" and message.outs["object"] == "thread.message"
    assert message.outs["run_id"] is None
    assert message.outs["created_at"] == fake.messages_on(thread.id)[-1]["created_at"]
    assert fake.messages_on(thread.id)[-1]["metadata"]["n"] == "1"
    updated = messages.update(message.id, dict(message.outs), {**message.outs, "metadata": {"n": "2"}})
    assert updated.outs["metadata"] == {"n": "2"} and fake.messages_on(thread.id)[-1]["metadata"] == {"n": "2"}
    imported = messages.read(message.id, {"thread_id": thread.id})
    assert imported.inputs == {"thread_id": thread.id, "content": "What changed?", "metadata": {"n": "2"}}

    threads.delete(thread.id, dict(changed.outs))
    with pytest.raises(KeyError):
        fake.thread(thread.id)
    assert messages.read(message.id, dict(updated.outs)).id == ""  # its thread is gone, so is it
    messages.delete(message.id, dict(updated.outs))  # no error
    threads.delete(thread.id, dict(changed.outs))  # no error


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
@pytest.mark.parametrize("call", ["create", "read", "update", "delete"])
def test_transient_errors_on_every_call_are_retried(fake: FakeOpenAI, messages: MessageProvider,
                                                    fake_clock: FakeApiClock, call: str,
                                                    fault: dict[str, Any]) -> None:
    thread_id = fake.create_thread()["id"]
    inputs = {"thread_id": thread_id, "content": "Hi", "metadata": {"k": "v"}}
    method, path = {"create": ("POST", r"/threads/[^/]+/messages"), "read": ("GET", r"/threads/[^/]+/messages/.+"),
                    "update": ("POST", r"/threads/[^/]+/messages/.+"),
                    "delete": ("DELETE", r"/threads/[^/]+/messages/.+")}[call]
    fault_ = Fault(method=method, path=path, times=2, **fault)
    if call == "create":
        fake.inject(fault_)
    created = messages.create(dict(inputs))
    if call != "create":
        fake.inject(fault_)
    if call == "read":
        assert messages.read(created.id, dict(created.outs)).id == created.id
    elif call == "update":
        messages.update(created.id, dict(created.outs), {**inputs, "metadata": {"k": "w"}})
        assert fake.messages_on(thread_id)[0]["metadata"] == {"k": "w"}
    elif call == "delete":
        messages.delete(created.id, dict(created.outs))
    assert len([r for r in fake.requests if r.fault]) == 2
    assert len(fake.messages_on(thread_id)) == (0 if call == "delete" else 1)
    if "retry_after" in fault:
        assert fake_clock.sleeps.count(fault["retry_after"]) == 2


@pytest.mark.parametrize("cls", [AssistantProvider, MessageProvider])
def test_a_create_whose_response_was_lost_is_found_not_repeated(fake: FakeOpenAI, fake_clock: FakeApiClock,
                                                               cls: ProviderClass) -> None:
    provider = configured_provider(fake, cls, **ON_ASSISTANTS)
    thread_id = fake.create_thread()["id"]
    inputs = {"model": "gpt-4o"} if cls is AssistantProvider else {"thread_id": thread_id, "content": "Hi"}
    path = r"/assistants" if cls is AssistantProvider else r"/threads/[^/]+/messages"
    fake.inject(Fault(method="POST", path=path, kind="lose_response"))
    created = provider.create(dict(inputs))
    made = fake.assistants() if cls is AssistantProvider else fake.messages_on(thread_id)
    assert [m["id"] for m in made] == [created.id]
    assert fake.count("POST", path) == 1
    assert "metadata" not in created.outs  # the marker is the provider's, not the user's


def test_a_lost_thread_create_is_repeated(fake: FakeOpenAI, threads: ThreadProvider) -> None:
    # Threads have no list endpoint to look in: a stray empty thread is the price, never a failed up.
    fake.inject(Fault(method="POST", path=r"/threads", kind="lose_response"))
    created = threads.create({"metadata": {"k": "v"}})
    assert fake.count("POST", r"/threads") == 2
    assert fake.thread(created.id)["metadata"] == {"k": "v"}


def test_without_room_for_a_marker_an_unknown_outcome_is_not_repeated(fake: FakeOpenAI,
                                                                      assistants: AssistantProvider) -> None:
    full = {f"k{i}": "v" for i in range(16)}
    fake.inject(Fault(method="POST", path=r"/assistants", status=503))
    with pytest.raises(ProviderError, match=r"HTTP 503.*may exist after all"):
        assistants.create({"model": "gpt-4o", "metadata": full})
    assert fake.count("POST", r"/assistants") == 1
    fake.inject(Fault(method="POST", path=r"/assistants", status=429))  # surely not processed: retried
    created = assistants.create({"model": "gpt-4o", "metadata": full})
    assert fake.assistant(created.id)["metadata"] == full


def test_other_errors_fail_fast_with_the_apis_message(fake: FakeOpenAI, messages: MessageProvider) -> None:
    with pytest.raises(ProviderError, match=r"Could not create the message: No thread found .* \(HTTP 404\)"):
        messages.create({"thread_id": "thread_missing", "content": "Hi"})
    fake.inject(Fault(method="POST", path=r"/threads/[^/]+/messages", status=400))
    thread_id = fake.create_thread()["id"]
    with pytest.raises(ProviderError, match="HTTP 400"):
        messages.create({"thread_id": thread_id, "content": "Hi"})
    assert fake.count("POST", r"/threads/[^/]+/messages") == 2


def test_ids_are_checked_before_any_request(fake: FakeOpenAI, messages: MessageProvider) -> None:
    fake.clear_requests()
    with pytest.raises(ProviderError, match=r"thread_id '\.\./runs'"):
        messages.read("msg_1", {"thread_id": "../runs"})
    with pytest.raises(ProviderError, match=r"id 'msg_1/\.\./x'"):
        messages.delete("msg_1/../x", {"thread_id": "thread_1"})
    with pytest.raises(ProviderError, match=r"Message\.get"):
        messages.read("msg_1", {})
    assert fake.requests == []


def test_the_key_never_reaches_an_error(fake: FakeOpenAI, messages: MessageProvider) -> None:
    thread_id = fake.create_thread()["id"]
    # The fake names a bad value in its 400; here that value is the key (check would refuse it first).
    with pytest.raises(ProviderError) as caught:
        messages.create({"thread_id": thread_id, "content": "Hi", "role": fake.api_key})
    assert "Invalid value" in str(caught.value) and fake.api_key not in str(caught.value)
    wrong = configured_provider(fake, AssistantProvider, **{"openai:apiKey": "sk-wrong-key-abcdef", **ON_ASSISTANTS})
    with pytest.raises(ProviderError, match="HTTP 401") as refused:
        wrong.create({"model": "gpt-4o"})
    assert "sk-wrong-key-abcdef" not in str(refused.value)


def test_a_message_on_a_busy_thread_fails_saying_what_to_depend_on(fake: FakeOpenAI,
                                                                   messages: MessageProvider) -> None:
    thread_id = fake.create_thread(messages=["Hi"])["id"]
    with openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0) as client:
        client.beta.threads.runs.create(thread_id, assistant_id=fake.create_assistant()["id"])
    with pytest.raises(ProviderError, match=r"HTTP 400\)\. A thread takes no message .*depends_on=\[run\]"):
        messages.create({"thread_id": thread_id, "content": "And another thing"})
    assert fake.count("POST", r"/threads/[^/]+/messages") == 1


@pytest.mark.parametrize("inputs", [
    {"tools": [{"type": "file_search"}]},
    {"tools": [{"type": "file_search", "max_num_results": "5"}]},
    {"response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}}}},
    {"tool_resources": {"code_interpreter": {"file_ids": ["file-1"]}}},
], ids=["file_search", "file_search options", "json_schema", "tool_resources"])
def test_refresh_and_import_read_back_what_was_given_without_a_diff(
        fake: FakeOpenAI, assistants: AssistantProvider, inputs: dict[str, Any]) -> None:
    given = {"model": "gpt-4o", **inputs}
    created = assistants.create(dict(given))
    refreshed = assistants.read(created.id, dict(created.outs))
    assert refreshed.inputs is not None
    assert assistants.diff(created.id, {**refreshed.outs}, dict(given)).changes is False
    imported = assistants.read(created.id, {})
    assert imported.inputs is not None and "schema_" not in str(imported.inputs)
    assert assistants.diff(created.id, {**imported.inputs}, dict(given)).changes is False


def test_dropping_a_tool_resources_section_clears_it_on_the_server(
        fake: FakeOpenAI, threads: ThreadProvider) -> None:
    created = threads.create({"tool_resources": {"code_interpreter": {"file_ids": ["file-1"]}}})
    threads.update(created.id, dict(created.outs), {"tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}}})
    assert fake.thread(created.id)["tool_resources"]["code_interpreter"] == {"file_ids": []}
    threads.update(created.id, dict(created.outs), {})
    assert fake.thread(created.id)["tool_resources"] == {"code_interpreter": {"file_ids": []},
                                                        "file_search": {"vector_store_ids": []}}


def test_a_lost_create_adopts_only_the_object_with_its_marker(fake: FakeOpenAI,
                                                              assistants: AssistantProvider) -> None:
    decoy = fake.create_assistant(model="gpt-4o", metadata={TOKEN_KEY: "someone-elses"})
    fake.inject(Fault(method="POST", path="/assistants", kind="lose_response"))
    created = assistants.create({"model": "gpt-4o", "name": "mine"})
    assert created.id != decoy["id"]
    assert [a["name"] for a in fake.assistants() if a["id"] == created.id] == ["mine"]
    assert len(fake.assistants()) == 2


@pytest.mark.parametrize("cls", [AssistantProvider, ThreadProvider, MessageProvider])
def test_the_marker_key_is_refused_in_metadata(fake: FakeOpenAI, cls: ProviderClass) -> None:
    base: dict[str, Any] = {AssistantProvider: {"model": "gpt-4o"}, ThreadProvider: {},
                            MessageProvider: {"thread_id": "thread_1", "content": "Hi"}}[cls]
    failures = {f.property: f.reason for f in cls().check({}, {**base, "metadata": {TOKEN_KEY: "x"}}).failures}
    assert "may not use" in failures["metadata"]


# --- on the Responses API: an Assistant is an agent object ------------------------------------------

ON_RESPONSES = {"openai:api": "responses"}


@pytest.fixture
def agents(fake: FakeOpenAI, fake_clock: FakeApiClock) -> AssistantProvider:
    provider: AssistantProvider = configured_provider(fake, AssistantProvider, **ON_RESPONSES)
    return provider


def test_an_agents_whole_life(fake: FakeOpenAI, agents: AssistantProvider) -> None:
    inputs = {"model": "gpt-6-astra", "name": "Helper", "instructions": "Be brief.",
              "tools": [{"type": "function", "name": "lookup", "parameters": '{"type": "object"}'},
                        {"type": "web_search"}],
              "reasoning": {"effort": "low"}, "text": {"verbosity": "low"}, "metadata": {"team": "docs"}}
    assert agents.check({}, dict(inputs)).failures == []
    fake.clear_requests()
    created = agents.create(dict(inputs))
    [request] = [r for r in fake.requests if r.method == "POST"]
    assert request.path == "/agents" and "api" not in request.json
    server = fake.agent(created.id)
    assert created.outs == {**inputs, "object": "agent", "created_at": server["created_at"]}
    assert server["tools"][0] == {"type": "function", "name": "lookup", "description": "",
                                  "parameters": {"type": "object"}, "defer_loading": False}
    assert server["reasoning"] == {"effort": "low", "summary": None}
    assert server["text"] == {"format": {"type": "text"}, "verbosity": "low"}
    assert server["metadata"]["team"] == "docs" and TOKEN_KEY in server["metadata"]  # the create's marker

    refreshed = agents.read(created.id, dict(created.outs))
    assert refreshed.id == created.id and refreshed.inputs == inputs and refreshed.outs == created.outs
    assert agents.diff(created.id, dict(refreshed.outs), dict(inputs)).changes is False

    news = {**inputs, "name": "Renamed", "text": {"format": {"type": "json_schema", "schema": {"type": "object"}}}}
    del news["reasoning"], news["tools"]
    diff = agents.diff(created.id, dict(created.outs), news)
    assert diff.changes is True and diff.replaces == []
    fake.clear_requests()
    updated = agents.update(created.id, dict(created.outs), news)
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", f"/agents/{created.id}")
    assert request.json == {"name": "Renamed", "reasoning": None, "tools": [],
                            "text": {"format": {"type": "json_schema", "schema": {"type": "object"}},
                                     "verbosity": "medium"}}
    assert updated.outs == {**news, "object": "agent", "created_at": server["created_at"]}
    assert fake.agent(created.id)["reasoning"] == {"effort": None, "summary": None}

    imported = agents.read(created.id, {"api": "responses"})
    assert imported.inputs == {**news, "api": "responses"}
    by_config = agents.read(created.id, {})  # stack config openai:api says which API an agent id is on
    assert by_config.inputs == news

    agents.delete(created.id, dict(updated.outs))
    assert fake.agents() == []
    agents.delete(created.id, dict(updated.outs))  # already gone: no error
    assert agents.read(created.id, dict(updated.outs)).id == ""


def test_an_agent_edited_by_hand_shows_as_drift_and_the_next_up_undoes_it(
        fake: FakeOpenAI, agents: AssistantProvider) -> None:
    created = agents.create({"model": "gpt-6-astra", "name": "Helper"})
    with openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0) as by_hand:
        by_hand.beta.agents.update(created.id, name="Hand-edited", instructions="Be rude.",
                                   reasoning={"effort": "high"})
    refreshed = agents.read(created.id, dict(created.outs))
    assert refreshed.inputs == {"model": "gpt-6-astra", "name": "Hand-edited", "instructions": "Be rude.",
                                "reasoning": {"effort": "high"}}
    program = {"model": "gpt-6-astra", "name": "Helper"}
    assert agents.diff(created.id, refreshed.outs, program).changes is True
    agents.update(created.id, refreshed.outs, program)
    agent = fake.agent(created.id)
    assert (agent["name"], agent["instructions"], agent["reasoning"]["effort"]) == ("Helper", None, None)


@pytest.mark.parametrize("tools", [
    [{"type": "function", "function": {"name": "f", "description": "d", "parameters": {"type": "object"}}}],
    [{"type": "mcp", "server_label": "docs", "transport": {"type": "http", "server_url": "https://mcp.example.com"}}],
    [{"type": "web_search", "location": {"country": "GB"}, "context_size": "high"}],
    [{"type": "tool_search"}, {"type": "computer_use"}, {"type": "automations"},
     {"type": "programmatic_tool_calling", "enabled": "false"}],
], ids=["nested function", "mcp", "web_search", "the rest"])
def test_every_agent_tool_reads_back_without_a_diff(fake: FakeOpenAI, agents: AssistantProvider,
                                                    tools: list[dict[str, Any]]) -> None:
    given = {"model": "gpt-6-astra", "tools": tools}
    created = agents.create(dict(given))
    refreshed = agents.read(created.id, dict(created.outs))
    assert refreshed.inputs == given  # the user's spelling is kept where the server means the same
    imported = agents.read(created.id, {})
    assert imported.inputs is not None
    assert agents.diff(created.id, dict(imported.inputs), dict(given)).changes is False


def test_a_lost_agent_create_is_found_by_its_marker_not_repeated(fake: FakeOpenAI, agents: AssistantProvider) -> None:
    decoy = fake.create_agent(metadata={TOKEN_KEY: "someone-elses"})
    fake.inject(Fault(method="POST", path=r"/agents", kind="lose_response"))
    created = agents.create({"model": "gpt-6-astra", "name": "mine"})
    assert fake.count("POST", r"/agents") == 1
    assert sorted(a["id"] for a in fake.agents()) == sorted([decoy["id"], created.id])
    assert fake.agent(created.id)["name"] == "mine" and "metadata" not in created.outs
    fake.inject(Fault(method="POST", path=r"/agents", status=503))  # processed, then a 503: found too
    again = agents.create({"model": "gpt-6-astra", "name": "second"})
    assert len(fake.agents()) == 3 and fake.agent(again.id)["name"] == "second"


@pytest.mark.parametrize("call", ["create", "read", "update", "delete"])
def test_transient_errors_on_every_agent_call_are_retried(fake: FakeOpenAI, agents: AssistantProvider,
                                                          call: str) -> None:
    method, path = {"create": ("POST", r"/agents"), "read": ("GET", r"/agents/.+"),
                    "update": ("POST", r"/agents/.+"), "delete": ("DELETE", r"/agents/.+")}[call]
    fault = Fault(method=method, path=path, times=2, status=429, retry_after=1.0)
    if call == "create":
        fake.inject(fault)
    created = agents.create({"model": "gpt-6-astra"})
    if call != "create":
        fake.inject(fault)
    if call == "read":
        assert agents.read(created.id, dict(created.outs)).id == created.id
    elif call == "update":
        agents.update(created.id, dict(created.outs), {"model": "gpt-6-astra", "name": "n"})
        assert fake.agent(created.id)["name"] == "n"
    elif call == "delete":
        agents.delete(created.id, dict(created.outs))
    assert len([r for r in fake.requests if r.fault]) == 2
    assert len(fake.agents()) == (0 if call == "delete" else 1)


def check_failures(provider: ApiObjectProvider, news: dict[str, Any]) -> dict[str, str]:
    return {f.property: f.reason for f in provider.check({}, news).failures}


def test_what_an_agent_has_no_place_for_fails_check_saying_where_it_goes(agents: AssistantProvider) -> None:
    found = check_failures(agents, {
        "model": "gpt-6-astra", "temperature": 0.5, "top_p": 0.9, "description": "d",
        "tool_resources": {"code_interpreter": {"file_ids": ["file-1"]}}, "response_format": "auto"})
    assert found == {
        "temperature": "'temperature' has no place on an agent object: set the Run's temperature instead (it goes "
                       "with each response).",
        "top_p": "'top_p' has no place on an agent object: set the Run's top_p instead (it goes with each "
                 "response).",
        "description": "'description' has no place on an agent object (it has a name, instructions and metadata): "
                       "keep it in metadata, e.g. {description: ...}, or remove it.",
        "tool_resources": f"'tool_resources' has no place on an agent object: {FILES_ON_RESPONSES}.",
        "response_format": "'response_format' is the Assistants API's; an agent's output format is its text: "
                           "{format: {type: json_schema, schema: {...}}} (json_object has no equivalent: use a "
                           "json_schema).",
    }


@pytest.mark.parametrize(("tool", "says"), [
    ({"type": "code_interpreter"}, "tools[1] is a code_interpreter tool, but an agent object has no code "
                                   "interpreter: give the Run a code_interpreter tool instead."),
    ({"type": "file_search"}, f"tools[1] is a file_search tool, but an agent object has no file search: "
                              f"{FILES_ON_RESPONSES}."),
    ({"type": "browser"}, "tools[1] has type 'browser', which an agent object cannot hold; allowed types: "
                          "function, tool_search, programmatic_tool_calling, mcp, web_search, computer_use, "
                          "automations."),
    ({"type": "function", "name": "f", "strict": "true"}, "tools[1] has 'strict', which an agent's function "
                                                          "tools do not take; remove it."),
    ({"type": "mcp", "server_label": "x"}, "tools[1].transport must be a map {type: http, server_url, headers} "
                                           "or {type: stdio, command, cwd, args, env_vars}, got None."),
])
def test_a_tool_an_agent_cannot_hold_fails_check_naming_it(agents: AssistantProvider, tool: dict[str, Any],
                                                           says: str) -> None:
    found = check_failures(agents, {"model": "gpt-6-astra", "tools": [{"type": "web_search"}, tool]})
    assert found == {"tools": f"'tools' {says}"}


def test_reasoning_and_text_are_checked_as_the_agent_takes_them(agents: AssistantProvider) -> None:
    found = check_failures(agents, {"model": "gpt-6-astra", "reasoning": {"effort": "extreme"},
                                    "text": {"format": {"type": "json_schema", "name": "x", "schema": {}}}})
    assert found == {
        "reasoning": "'reasoning' effort must be one of none, minimal, low, medium, high, xhigh, max, got "
                     "'extreme'.",
        "text": "'text' format has unknown keys ['name']; allowed: type, schema. (an agent's json_schema format "
                "is {type: json_schema, schema} only)",
    }


def test_reasoning_and_text_on_the_assistants_api_fail_check(assistants: AssistantProvider) -> None:
    found = check_failures(assistants, {"model": "gpt-4o", "reasoning": {"effort": "low"},
                                        "text": {"verbosity": "low"}})
    assert found == {
        "reasoning": "'reasoning' is an agent setting of the Responses API; the Assistants API has no place for "
                     "it: set api to 'responses', or remove it.",
        "text": "'text' is an agent setting of the Responses API; on the Assistants API use response_format (or "
                "set api to 'responses').",
    }


# --- on the Responses API: a Thread is a conversation, a Message a conversation item -------------------


@pytest.fixture
def conversations(fake: FakeOpenAI, fake_clock: FakeApiClock) -> ThreadProvider:
    provider: ThreadProvider = configured_provider(fake, ThreadProvider, **ON_RESPONSES)
    return provider


@pytest.fixture
def items(fake: FakeOpenAI, fake_clock: FakeApiClock) -> MessageProvider:
    provider: MessageProvider = configured_provider(fake, MessageProvider)  # conv_ ids say which API
    return provider


def _texts(fake: FakeOpenAI, conversation_id: str) -> list[tuple[str, str, str]]:
    return [(item["role"], part["type"], part.get("text", "")) for item in fake.conversation_items(conversation_id)
            for part in item["content"]]


def test_a_conversations_whole_life(fake: FakeOpenAI, conversations: ThreadProvider) -> None:
    inputs = {"messages": [{"content": "Hi"}, {"role": "assistant", "content": [{"type": "text", "text": "Hello!"}]},
                           {"role": "developer", "content": [{"type": "input_text", "text": "Be brief."}]}],
              "metadata": {"team": "docs"}}
    assert conversations.check({}, dict(inputs)).failures == []
    fake.clear_requests()
    created = conversations.create(dict(inputs))
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/conversations")
    assert request.json == {"items": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi"}]},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hello!"}]},
        {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Be brief."}]},
    ], "metadata": {"team": "docs"}}
    assert created.id.startswith("conv_") and created.outs["object"] == "conversation"
    assert isinstance(created.outs["created_at"], int) and created.outs["metadata"] == {"team": "docs"}
    assert _texts(fake, created.id) == [("user", "input_text", "Hi"), ("assistant", "output_text", "Hello!"),
                                        ("developer", "input_text", "Be brief.")]

    refreshed = conversations.read(created.id, dict(created.outs))
    assert refreshed.inputs == inputs and refreshed.outs == created.outs
    same = {**inputs, "messages": [{"role": "user", "content": [{"type": "input_text", "text": "Hi"}]},
                                   {"role": "assistant", "content": "Hello!"}, inputs["messages"][2]]}
    assert conversations.diff(created.id, dict(created.outs), same).changes is False  # another spelling

    diff = conversations.diff(created.id, dict(created.outs), {**inputs, "metadata": {"team": "ops"}})
    assert diff.changes is True and diff.replaces == []
    fake.clear_requests()
    updated = conversations.update(created.id, dict(created.outs), {**inputs, "metadata": {"team": "ops"}})
    [request] = fake.requests
    assert (request.method, request.path, request.json) == ("POST", f"/conversations/{created.id}",
                                                            {"metadata": {"team": "ops"}})
    assert updated.outs["metadata"] == {"team": "ops"}
    conversations.update(created.id, dict(updated.outs), {"messages": inputs["messages"]})  # metadata dropped
    assert fake.conversation_items(created.id) and conversations.read(created.id, {}).inputs == {}

    replaced = conversations.diff(created.id, dict(updated.outs), {**inputs, "messages": [{"content": "Bye"}]})
    assert replaced.replaces == ["messages"]

    imported = conversations.read(created.id, {})  # the conv_ id says which API
    assert imported.id == created.id and imported.inputs == {}

    conversations.delete(created.id, dict(updated.outs))
    assert fake.conversations() == []
    conversations.delete(created.id, dict(updated.outs))  # already gone: no error
    assert conversations.read(created.id, dict(updated.outs)).id == ""


def test_a_conversation_edited_by_hand_shows_as_drift(fake: FakeOpenAI, conversations: ThreadProvider) -> None:
    created = conversations.create({"metadata": {"team": "docs"}})
    with openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0) as by_hand:
        by_hand.conversations.update(created.id, metadata={"team": "hand-edited"})
    refreshed = conversations.read(created.id, dict(created.outs))
    assert refreshed.inputs == {"metadata": {"team": "hand-edited"}}
    assert conversations.diff(created.id, refreshed.outs, {"metadata": {"team": "docs"}}).changes is True


def test_a_lost_conversation_create_is_sent_again(fake: FakeOpenAI, conversations: ThreadProvider) -> None:
    # No list endpoint to look in: at most a stray conversation, never a failed up.
    fake.inject(Fault(method="POST", path=r"/conversations", kind="lose_response"))
    created = conversations.create({"messages": [{"content": "Hi"}]})
    assert fake.count("POST", r"/conversations") == 2
    assert _texts(fake, created.id) == [("user", "input_text", "Hi")]
    stray = [c["id"] for c in fake.conversations() if c["id"] != created.id]
    assert len(stray) == 1 and _texts(fake, stray[0]) == [("user", "input_text", "Hi")]  # the price, no more
    fake.inject(Fault(method="POST", path=r"/conversations", status=503))  # not processed: sent again, no stray
    conversations.create({"metadata": {"k": "v"}})
    assert len(fake.conversations()) == 3


def test_a_messages_whole_life_on_a_conversation(fake: FakeOpenAI, items: MessageProvider) -> None:
    conversation_id = fake.create_conversation(["Earlier"])["id"]
    inputs = {"thread_id": conversation_id, "content": [
        {"type": "input_text", "text": "What is in these?"},
        {"type": "input_image", "image_url": "https://example.com/a.png"},
        {"type": "image_file", "image_file": {"file_id": "file-img", "detail": "high"}},
        {"type": "input_file", "file_id": "file-doc"}]}
    assert items.check({}, dict(inputs)).failures == []
    fake.clear_requests()
    created = items.create(dict(inputs))
    posts = [r for r in fake.requests if r.method == "POST"]
    assert [r.path for r in posts] == [f"/conversations/{conversation_id}/items"]
    assert posts[0].json == {"items": [{"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": "What is in these?"},
        {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "auto"},
        {"type": "input_image", "file_id": "file-img", "detail": "high"},
        {"type": "input_file", "file_id": "file-doc"}]}]}
    assert created.id.startswith("msg_") and created.id == fake.conversation_items(conversation_id)[-1]["id"]
    assert created.outs == {**inputs, "object": "conversation.item", "created_at": None, "status": "completed",
                            "assistant_id": None, "run_id": None, "completed_at": None, "incomplete_at": None,
                            "incomplete_details": None}

    refreshed = items.read(created.id, dict(created.outs))
    assert refreshed.inputs == inputs and refreshed.outs == created.outs
    for change in ({"content": "Something else"}, {"role": "developer"}):
        assert items.diff(created.id, dict(created.outs), {**inputs, **change}).replaces == sorted(change)

    imported = items.read(created.id, {"thread_id": conversation_id})
    assert imported.inputs == {"thread_id": conversation_id, "content": [
        {"type": "input_text", "text": "What is in these?"},
        {"type": "input_image", "image_url": "https://example.com/a.png"},
        {"type": "input_image", "file_id": "file-img", "detail": "high"},
        {"type": "input_file", "file_id": "file-doc"}]}
    assert items.diff(created.id, dict(imported.inputs), dict(inputs)).changes is False

    items.delete(created.id, dict(created.outs))
    assert [i["role"] for i in fake.conversation_items(conversation_id)] == ["user"]  # "Earlier" stays
    items.delete(created.id, dict(created.outs))  # already gone: no error
    assert items.read(created.id, dict(created.outs)).id == ""


def test_an_assistants_text_item_and_a_gone_conversation(fake: FakeOpenAI, items: MessageProvider) -> None:
    conversation_id = fake.create_conversation()["id"]
    created = items.create({"thread_id": conversation_id, "role": "assistant", "content": "Noted."})
    assert _texts(fake, conversation_id) == [("assistant", "output_text", "Noted.")]
    assert items.read(created.id, dict(created.outs)).inputs == {"thread_id": conversation_id, "role": "assistant",
                                                                 "content": "Noted."}
    with openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0) as by_hand:
        by_hand.conversations.delete(conversation_id)
    assert items.read(created.id, dict(created.outs)).id == ""  # its conversation is gone, so is it
    items.delete(created.id, dict(created.outs))  # no error


@pytest.mark.parametrize("fault", [{"kind": "lose_response"}, {"status": 503}, {"kind": "reset"}],
                         ids=["lost response", "503", "reset"])
def test_a_lost_item_create_is_matched_not_repeated(fake: FakeOpenAI, items: MessageProvider,
                                                    fault: dict[str, Any]) -> None:
    conversation_id = fake.create_conversation(["Hi", "Hi"])["id"]  # the same text before: not ours
    path = r"/conversations/[^/]+/items"
    fake.inject(Fault(method="POST", path=path, **fault))
    created = items.create({"thread_id": conversation_id, "content": "Hi"})
    made = fake.conversation_items(conversation_id)
    assert len(made) == 3 and made[-1]["id"] == created.id
    assert fake.count("POST", path) == (1 if fault.get("kind") == "lose_response" else 2)
    again = items.create({"thread_id": conversation_id, "content": "Hi"})  # a second, on purpose: a new item
    assert len(fake.conversation_items(conversation_id)) == 4 and again.id != created.id


def test_a_message_on_a_busy_conversation_fails_saying_what_to_depend_on(fake: FakeOpenAI,
                                                                        items: MessageProvider) -> None:
    conversation_id = fake.create_conversation(["Hi"])["id"]
    with openai.OpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0) as client:
        client.responses.create(model="gpt-6-astra", conversation=conversation_id, background=True, store=True)
    with pytest.raises(ProviderError, match=r"HTTP 400\)\. A conversation takes no item .*depends_on=\[run\]"):
        items.create({"thread_id": conversation_id, "content": "And another thing"})
    assert len(fake.conversation_items(conversation_id)) == 1


def test_what_a_conversation_has_no_place_for_fails_check(conversations: ThreadProvider,
                                                           items: MessageProvider) -> None:
    found = check_failures(conversations, {
        "tool_resources": {"code_interpreter": {"file_ids": ["file-1"]}},
        "messages": [{"content": "Hi", "attachments": [{"file_id": "file-1"}]}]})
    assert found == {
        "tool_resources": f"'tool_resources' has no place on a conversation: {FILES_ON_RESPONSES}.",
        "messages": "'messages' item 0: attachments have no place in a conversation item: give each file as a "
                    "content part, {type: input_file, file_id}.",
    }
    assert check_failures(conversations, {"messages": [{"content": "Hi"}] * 21}) == {
        "messages": "'messages' may have at most 20 messages on the Responses API (a conversation is created with "
                    "at most 20 items), got 21: start with fewer and add the rest as Messages."}
    assert check_failures(conversations, {"messages": [{"content": "Hi", "metadata": {"k": "v"}}]}) == {
        "messages": "'messages' item 0: metadata has no place in a conversation item: put it in the Thread's "
                    "metadata."}
    found = check_failures(items, {"thread_id": "conv_1", "content": "Hi", "metadata": {"k": "v"},
                                   "attachments": [{"file_id": "file-1"}]})
    assert found == {
        "attachments": "'attachments' has no place on a conversation item: give each file as a content part "
                       "instead, {type: input_file, file_id} (or {type: input_image, file_id} for an image).",
        "metadata": "'metadata' has no place on a conversation item (items carry no metadata): put it on the "
                    "Thread (the conversation's metadata), or remove it.",
    }


@pytest.mark.parametrize(("news", "says"), [
    ({"role": "assistant", "content": [{"type": "input_image", "file_id": "file-1"}]},
     {"content": "'content' has input_image parts, but an assistant's message item on the Responses API is text "
                 "only: give images and files in a user message."}),
    ({"content": [{"type": "input_image", "file_id": "file-1", "image_url": "https://x.example.com"}]},
     {"content": "'content' part 0 is an input_image part and needs one of image_url (an http(s) or data:image/ "
                 "URL) or file_id."}),
    ({"content": [{"type": "refusal", "refusal": "no"}]},
     {"content": "'content' part 0 has type 'refusal'; allowed types: input_text, input_image, input_file (or "
                 "text, image_url, image_file)."}),
    ({"role": "tool"}, {"role": "'role' must be one of 'user', 'assistant', 'developer', 'system'; got 'tool'."}),
    ({"api": "assistants"}, {"api": "'api' is 'assistants', but 'conv_1' is an id of the Responses API: remove "
                                    "api, or use an id of the Assistants API."}),
], ids=["assistant image", "two sources", "refusal part", "role", "api"])
def test_a_message_item_that_cannot_be_fails_check_naming_the_field(items: MessageProvider, news: dict[str, Any],
                                                                    says: dict[str, str]) -> None:
    assert check_failures(items, {"thread_id": "conv_1", "content": "Hi", **news}) == says


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
@pytest.mark.parametrize("call", ["create", "read", "update", "delete"])
def test_transient_errors_on_every_conversation_call_are_retried(fake: FakeOpenAI, conversations: ThreadProvider,
                                                                 items: MessageProvider, call: str,
                                                                 fault: dict[str, Any]) -> None:
    conversation = r"/conversations/conv_[^/]+"
    method, path = {"create": ("POST", r"/conversations"), "read": ("GET", conversation),
                    "update": ("POST", conversation), "delete": ("DELETE", conversation)}[call]
    if call == "create":
        fake.inject(Fault(method=method, path=path, times=2, **fault))
    created = conversations.create({"metadata": {"k": "v"}})
    if call != "create":
        fake.inject(Fault(method=method, path=path, times=2, **fault))
    if call == "read":
        assert conversations.read(created.id, dict(created.outs)).id == created.id
    elif call == "update":
        conversations.update(created.id, dict(created.outs), {"metadata": {"k": "w"}})
        assert conversations.read(created.id, {}).inputs == {"metadata": {"k": "w"}}
    elif call == "delete":
        conversations.delete(created.id, dict(created.outs))
        assert conversations.read(created.id, {}).id == ""
    assert len([r for r in fake.requests if r.fault]) == 2


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
@pytest.mark.parametrize("call", ["create", "read", "delete"])
def test_transient_errors_on_every_item_call_are_retried(fake: FakeOpenAI, items: MessageProvider, call: str,
                                                         fault: dict[str, Any]) -> None:
    conversation_id = fake.create_conversation()["id"]
    one = r"/conversations/[^/]+/items/.+"
    method, path = {"create": ("POST", r"/conversations/[^/]+/items"), "read": ("GET", one),
                    "delete": ("DELETE", one)}[call]
    inputs = {"thread_id": conversation_id, "content": "Hi"}
    if call == "create":
        fake.inject(Fault(method=method, path=path, times=2, **fault))
    created = items.create(dict(inputs))
    if call != "create":
        fake.inject(Fault(method=method, path=path, times=2, **fault))
    if call == "read":
        assert items.read(created.id, dict(created.outs)).id == created.id
    elif call == "delete":
        items.delete(created.id, dict(created.outs))
    assert len([r for r in fake.requests if r.fault]) == 2
    assert len(fake.conversation_items(conversation_id)) == (0 if call == "delete" else 1)
