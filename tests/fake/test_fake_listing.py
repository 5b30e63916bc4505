"""List endpoints of the fake: cursor pagination of run steps, message filters, parameter checks."""

from __future__ import annotations

import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI, RunScript

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")




@pytest.fixture
def finished_run(fake: FakeOpenAI, client: openai.OpenAI) -> tuple[str, str]:
    """A completed run with 45 steps: 44 extra tool steps, then the message step."""
    assistant = fake.create_assistant()
    thread = fake.create_thread(messages=["Go"])
    fake.script_runs(RunScript(extra_steps=44))
    run = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"])
    fake.advance(1)
    return thread["id"], run.id


def test_steps_have_distinct_increasing_created_at(client: openai.OpenAI, finished_run: tuple[str, str]) -> None:
    thread_id, run_id = finished_run
    steps = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, order="asc", limit=100).data
    assert len(steps) == 45
    created = [step.created_at for step in steps]
    assert created == sorted(created) and len(set(created)) == 45
    assert all(step.status == "completed" for step in steps)
    assert steps[-1].type == "message_creation"
    assert {step.type for step in steps[:-1]} == {"tool_calls"}


def test_steps_pagination_with_limit_and_after(client: openai.OpenAI, finished_run: tuple[str, str]) -> None:
    thread_id, run_id = finished_run
    everything = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, limit=100).data
    first = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id)
    assert len(first.data) == 20 and first.has_more is True  # default limit 20, newest first
    assert first.data[0].type == "message_creation"
    ids = [step.id for step in first.data]
    page = first
    while page.has_next_page():
        page = page.get_next_page()
        ids.extend(step.id for step in page.data)
    assert ids == [step.id for step in everything]
    assert page.has_more is False and len(page.data) == 5

    raw = client.beta.threads.runs.steps.with_raw_response.list(run_id, thread_id=thread_id, limit=10, after=ids[39])
    body = raw.http_response.json()
    assert [item["id"] for item in body["data"]] == ids[40:]
    assert (body["first_id"], body["last_id"], body["has_more"]) == (ids[40], ids[44], False)

    # The client's auto-pagination walks all 45, in ascending order too.
    ascending = [step.id for step in client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, order="asc")]
    assert ascending == ids[::-1]


def test_steps_before_pages_backwards(client: openai.OpenAI, finished_run: tuple[str, str]) -> None:
    thread_id, run_id = finished_run
    ids = [s.id for s in client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, order="asc", limit=100).data]
    before = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, order="asc", limit=5, before=ids[20])
    assert [step.id for step in before.data] == ids[15:20]
    assert before.has_more is True
    between = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, order="asc", after=ids[2], before=ids[6])
    assert [step.id for step in between.data] == ids[3:6]


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_out_of_range_is_400(client: openai.OpenAI, finished_run: tuple[str, str], limit: int) -> None:
    thread_id, run_id = finished_run
    with pytest.raises(openai.BadRequestError) as error:
        client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, limit=limit)
    assert error.value.param == "limit"


def test_bad_order_is_400(fake: FakeOpenAI, client: openai.OpenAI) -> None:
    thread = fake.create_thread()
    with pytest.raises(openai.BadRequestError) as error:
        client.beta.threads.messages.list(thread_id=thread["id"], extra_query={"order": "sideways"})
    assert error.value.param == "order"


def test_messages_filter_by_run_id(fake: FakeOpenAI, client: openai.OpenAI) -> None:
    assistant = fake.create_assistant()
    thread = fake.create_thread(messages=["First question"])
    fake.script_runs(RunScript(reply="First answer"), RunScript(reply="Second answer"))
    first = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"])
    fake.advance(1)
    fake.add_message(thread["id"], "Second question")
    second = client.beta.threads.runs.create(thread_id=thread["id"], assistant_id=assistant["id"])
    fake.advance(1)

    everything = client.beta.threads.messages.list(thread_id=thread["id"], order="asc").data
    assert [(m.role, m.content[0].text.value) for m in everything if m.content[0].type == "text"] == [
        ("user", "First question"),
        ("assistant", "First answer"),
        ("user", "Second question"),
        ("assistant", "Second answer"),
    ]
    for run, reply in ((first, "First answer"), (second, "Second answer")):
        [message] = client.beta.threads.messages.list(thread_id=thread["id"], run_id=run.id).data
        assert message.run_id == run.id
        assert message.content[0].type == "text" and message.content[0].text.value == reply
    assert client.beta.threads.messages.list(thread_id=thread["id"], run_id="run_none").data == []
