"""A Run whose metadata has all 16 keys leaves no room for the create marker: a create whose outcome is
unknown then has nothing to tell its run from another Run's by, and must neither adopt a run on a guess nor
send again (issue 12, point 5). Through the real dynamic-provider server, on the Assistants API (a
conversation's lock tells a lost response apart without a marker: tests/engine/test_engine_exactly_once.py)."""

from __future__ import annotations

from pulumi_openai_run.testing import FakeOpenAI, Fault, ProviderError, ProviderServer, RunScript
from tests.engine.conftest import RUN_URN, up

FULL = {f"k{i}": "v" for i in range(16)}


def test_an_unknown_create_outcome_without_room_for_the_marker_fails_and_adopts_nothing(
        engine: ProviderServer, fake: FakeOpenAI, blob: str) -> None:
    assistant = fake.create_assistant()["id"]
    thread = fake.create_thread(messages=["Hi"])["id"]
    fake.script_runs(RunScript(duration=60.0), RunScript(duration=0.2))
    # another Run of the stack, same assistant and the same metadata, is running on the thread
    theirs, _ = up(engine, {"assistant_id": assistant, "thread_id": thread, "metadata": FULL, "__provider": blob})
    fake.inject(Fault(method="POST", path=r"/threads/[^/]+/runs", kind="status", status=502))
    news = {"assistant_id": assistant, "thread_id": thread, "metadata": FULL, "completion_window": 30.0,
            "__identity": "proj/dev/mine", "__provider": blob}
    checked = engine.check(RUN_URN, {}, news)
    try:
        engine.create(RUN_URN, checked.inputs)
        raise AssertionError("the create should have failed")
    except ProviderError as error:
        message = str(error)
    assert "a run may have been made" in message and "16 keys" in message and thread in message
    assert theirs not in message  # no run was taken for this create's on a guess
    assert fake.count("POST", rf"/threads/{thread}/runs") == 2  # theirs, and this create once: not sent again
    assert [run["id"] for run in fake.runs_on(thread)] == [theirs]
    assert fake.run(theirs)["status"] in ("queued", "in_progress")  # the other Run's run is left alone
