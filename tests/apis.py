"""The Assistants and the Responses API as a Run sees them on the fake, one ApiCase each (how to seed ids,
where runs are, the paths of the calls), for tests of behaviour both have: the ``api`` fixture
(tests/conftest.py) yields each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_openai_run.testing import FakeOpenAI


@dataclass(frozen=True)
class ApiCase:
    name: str
    seed: Callable[[FakeOpenAI], dict[str, str]]  # assistant_id and thread_id of a fresh pair, asked a question
    run: Callable[[FakeOpenAI, str], dict[str, Any]]  # the fake's record of a run (a response)
    runs_on: Callable[[FakeOpenAI, str], list[dict[str, Any]]]  # the runs (responses) of a thread (conversation)
    create_path: Callable[[str], str]  # the path a create is sent to, given the thread (conversation)
    cancel: str  # regex of the cancel call's path
    busy: str  # what the API says when the thread (conversation) is taken
    create_requests: Callable[[dict[str, str]], list[tuple[str, str]]]  # what a create without a window sends,
    # given the seeded ids
    first_refresh_requests: int  # the requests of the first refresh of a run found finished
    stream_requests: Callable[[dict[str, str], str], list[tuple[str, str]]]  # a streamed up's, given the ids and
    # the run id
    run_prefix: str  # of a run's (response's) id
    collection: str  # the API's path for the objects a Run points at
    state_of_a_run: dict[str, str]  # the least state a read or a delete of one needs
    deletes_on_destroy: bool  # destroy deletes the run (a stored response) rather than leaving it cancelled
    said: Callable[[FakeOpenAI, str], list[Any]]  # the content of each user message on a thread (conversation)
    input_parts: list[dict[str, Any]]  # an input of content parts in this API's spelling


def _seed_assistants(fake: FakeOpenAI) -> dict[str, str]:
    assistant = fake.create_assistant(model="gpt-6-astra", instructions="Be brief.")
    thread = fake.create_thread(messages=["Summarise the report."])
    return {"assistant_id": assistant["id"], "thread_id": thread["id"]}


def _said_on_thread(fake: FakeOpenAI, thread: str) -> list[Any]:
    return [[{k: v for k, v in part.items() if k != "text"} | ({"text": part["text"]["value"]} if "text" in part
                                                              else {}) for part in message["content"]]
            for message in fake.messages_on(thread) if message["role"] == "user"]


def _said_in_conversation(fake: FakeOpenAI, conversation: str) -> list[Any]:
    return [item["content"] for item in fake.conversation_items(conversation)
            if item.get("type") == "message" and item.get("role") == "user"]


def _seed_responses(fake: FakeOpenAI) -> dict[str, str]:
    agent = fake.create_agent(instructions="Be brief.")
    conversation = fake.create_conversation(messages=["Summarise the report."])
    return {"assistant_id": agent["id"], "thread_id": conversation["id"]}


ASSISTANTS = ApiCase(
    name="assistants",
    seed=_seed_assistants,
    run=FakeOpenAI.run,
    runs_on=FakeOpenAI.runs_on,
    create_path=lambda thread: f"/threads/{thread}/runs",
    cancel=r"/threads/[^/]+/runs/run_\w+/cancel",
    busy="already has an active run",
    create_requests=lambda ids: [("POST", f"/threads/{ids['thread_id']}/runs")],
    first_refresh_requests=3,  # the run, its steps, its messages
    stream_requests=lambda ids, run: [("POST", f"/threads/{ids['thread_id']}/runs"),
                                      ("GET", f"/threads/{ids['thread_id']}/runs/{run}/steps")],
    run_prefix="run",
    collection="assistants",
    state_of_a_run={"thread_id": "thread_1"},
    deletes_on_destroy=False,
    said=_said_on_thread,
    input_parts=[{"type": "text", "text": "What is in this picture?"},
                 {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}}],
)
RESPONSES = ApiCase(
    name="responses",
    seed=_seed_responses,
    run=FakeOpenAI.response,
    runs_on=FakeOpenAI.responses_on,
    create_path=lambda _conversation: "/responses",
    cancel=r"/responses/resp_\w+/cancel",
    busy="operating on this conversation",
    # the agent's configuration, the conversation's items (to tell a lost create's response from what was
    # there), then the create
    create_requests=lambda ids: [("GET", f"/agents/{ids['assistant_id']}"),
                                 ("GET", f"/conversations/{ids['thread_id']}/items"), ("POST", "/responses")],
    first_refresh_requests=1,  # a finished response is read whole
    stream_requests=lambda ids, _response: [("GET", f"/agents/{ids['assistant_id']}"),
                                            ("GET", f"/conversations/{ids['thread_id']}/items"),
                                            ("POST", "/responses")],  # no polls, no steps to list
    run_prefix="resp",
    collection="responses",
    state_of_a_run={"api": "responses"},
    deletes_on_destroy=True,
    said=_said_in_conversation,
    input_parts=[{"type": "input_text", "text": "What is in this picture?"},
                 {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "low"}],
)

