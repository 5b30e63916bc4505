"""Injected faults, authentication and the request log of the fake."""

from __future__ import annotations

import time

import httpx2
import openai
import pytest

from pulumi_openai_run.testing import FakeOpenAI, Fault, RecordedRequest
from tests.fake.conftest import make_client

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RUNS = r"/threads/[^/]+/runs"






@pytest.fixture
def ids(fake: FakeOpenAI) -> tuple[str, str]:
    return fake.create_assistant()["id"], fake.create_thread()["id"]


def test_status_fault_answers_an_error_and_does_not_process(
    fake: FakeOpenAI, client: openai.OpenAI, ids: tuple[str, str]
) -> None:
    assistant_id, thread_id = ids
    fake.inject(Fault(path=RUNS, kind="status", status=503, retry_after=2, retry_after_ms=1500))
    with pytest.raises(openai.InternalServerError) as error:
        client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    assert error.value.status_code == 503
    assert error.value.response.headers["retry-after"] == "2"
    assert error.value.response.headers["retry-after-ms"] == "1500"
    assert error.value.response.headers["x-request-id"].startswith("req_")
    assert error.value.type == "server_error"
    assert fake.runs_on(thread_id) == []
    # Used up: the next request goes through.
    client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    assert len(fake.runs_on(thread_id)) == 1
    assert [r.fault for r in fake.requests] == ["status", None]


def test_status_fault_429_times_two(fake: FakeOpenAI, client: openai.OpenAI, ids: tuple[str, str]) -> None:
    _, thread_id = ids
    fake.inject(Fault(method="GET", path=r"/threads/[^/]+", status=429, times=2))
    for _ in range(2):
        with pytest.raises(openai.RateLimitError) as error:
            client.beta.threads.retrieve(thread_id)
        assert error.value.code == "rate_limit_exceeded"
    assert client.beta.threads.retrieve(thread_id).id == thread_id


def test_status_fault_is_retried_by_the_client(fake: FakeOpenAI, mode: str, ids: tuple[str, str]) -> None:
    assistant_id, thread_id = ids
    fake.inject(Fault(path=RUNS, status=500, retry_after_ms=1))
    with make_client(fake, mode) as client:
        retrying = client.with_options(max_retries=1)
        run = retrying.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    assert [run["id"] for run in fake.runs_on(thread_id)] == [run.id]
    assert fake.count("POST", RUNS) == 2
    assert [r.headers.get("x-stainless-retry-count") for r in fake.requests] == ["0", "1"]


def test_reset_fault_is_a_connection_error_and_not_processed(
    fake: FakeOpenAI, client: openai.OpenAI, ids: tuple[str, str]
) -> None:
    assistant_id, thread_id = ids
    fake.inject(Fault(path=RUNS, kind="reset"))
    with pytest.raises(openai.APIConnectionError):
        client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    assert fake.runs_on(thread_id) == []
    assert fake.requests[-1].fault == "reset"


def test_lose_response_processes_the_request(fake: FakeOpenAI, client: openai.OpenAI, ids: tuple[str, str]) -> None:
    assistant_id, thread_id = ids
    fake.inject(Fault(path=RUNS, kind="lose_response"))
    with pytest.raises(openai.APIConnectionError):
        client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, metadata={"try": "1"})
    [run] = fake.runs_on(thread_id)  # created although the client never heard of it
    assert run["metadata"] == {"try": "1"}
    # A blind retry now hits the active run.
    with pytest.raises(openai.BadRequestError, match="already has an active run"):
        client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    assert fake.count("POST", RUNS) == 2


def test_delay_fault_lets_the_client_time_out(fake: FakeOpenAI, mode: str, ids: tuple[str, str]) -> None:
    _, thread_id = ids
    fake.inject(Fault(method="GET", path=r"/threads/[^/]+", kind="delay", delay=1.0))
    with make_client(fake, mode, timeout=0.1) as client:
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            client.beta.threads.retrieve(thread_id)
        assert time.monotonic() - started < 0.9
        assert client.beta.threads.retrieve(thread_id).id == thread_id  # the fault is used up
    assert [r.fault for r in fake.requests] == ["delay", None]


def test_short_delay_fault_answers_late(fake: FakeOpenAI, client: openai.OpenAI, ids: tuple[str, str]) -> None:
    _, thread_id = ids
    fake.inject(Fault(method="GET", path=r"/threads/[^/]+", kind="delay", delay=0.05))
    started = time.monotonic()
    assert client.beta.threads.retrieve(thread_id).id == thread_id
    assert time.monotonic() - started >= 0.05


def test_fault_only_matches_its_method_and_full_path(
    fake: FakeOpenAI, client: openai.OpenAI, ids: tuple[str, str]
) -> None:
    assistant_id, thread_id = ids
    fake.inject(Fault(method="GET", path=RUNS, kind="status", status=500))
    run = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)  # POST: no match
    client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)  # longer path: no match
    with pytest.raises(openai.InternalServerError):
        client.beta.threads.runs.list(thread_id=thread_id)


def test_missing_or_wrong_key_is_401_without_echoing_it(fake: FakeOpenAI, mode: str, ids: tuple[str, str]) -> None:
    _, thread_id = ids
    secret = "sk-wrong-key-0123456789"
    with make_client(fake, mode, api_key=secret) as client, pytest.raises(openai.AuthenticationError) as error:
        client.beta.threads.retrieve(thread_id)
    assert error.value.code == "invalid_api_key"
    assert secret not in error.value.response.text and "0123456789" not in error.value.response.text
    if mode == "http":
        response = httpx2.get(f"{fake.base_url}/threads/{thread_id}")
    else:
        with httpx2.Client(transport=fake.transport()) as raw:
            response = raw.get(f"http://127.0.0.1/v1/threads/{thread_id}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"
    assert response.headers["x-request-id"].startswith("req_")


def test_requests_are_recorded(fake: FakeOpenAI, client: openai.OpenAI, ids: tuple[str, str]) -> None:
    assistant_id, thread_id = ids
    assert fake.requests == []  # seeding is not recorded
    run = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, temperature=0.3)
    client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, limit=5, order="asc")
    create, steps = fake.requests
    assert isinstance(create, RecordedRequest)
    assert (create.method, create.path, create.fault) == ("POST", f"/threads/{thread_id}/runs", None)
    assert create.json == {"assistant_id": assistant_id, "temperature": 0.3}
    assert create.headers["authorization"] == f"Bearer {fake.api_key}"
    assert create.headers["openai-beta"] == "assistants=v2"
    assert (steps.method, steps.path) == ("GET", f"/threads/{thread_id}/runs/{run.id}/steps")
    assert steps.query == {"limit": ["5"], "order": ["asc"]}
    assert steps.json is None
    assert fake.count("POST", RUNS) == 1
    assert fake.count("get", r"/threads/.*") == 1
    assert fake.count("GET", r"/threads/[^/]+") == 0  # fullmatch
    fake.clear_requests()
    assert fake.requests == []
    assert fake.count("POST", RUNS) == 0
