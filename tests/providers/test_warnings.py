"""openai marks the Assistants API deprecated; the warnings its methods raise for our calls are ours to
silence, once, and never the user's to see (whatever filters the user's program runs with)."""

from __future__ import annotations

import warnings

from pulumi_openai_run import AssistantProvider, MessageProvider, ThreadProvider
from pulumi_openai_run._core.calls import silence_api_deprecations
from pulumi_openai_run.testing import FakeApiClock, FakeOpenAI, RunScript, configured_provider

ASSISTANTS_API = {"openai:api": "assistants"}


def test_a_whole_chain_on_the_assistants_api_shows_no_deprecation_warning(fake: FakeOpenAI,
                                                                          fake_clock: FakeApiClock) -> None:
    fake.script_runs(RunScript(outcome="completed"))
    with warnings.catch_warnings(record=True) as seen:
        warnings.resetwarnings()
        warnings.simplefilter("always")  # the strictest a user's program can be, but for "error"
        silence_api_deprecations()  # what importing the provider's call module did (pytest resets filters)
        assistants = configured_provider(fake, AssistantProvider, **ASSISTANTS_API)
        threads = configured_provider(fake, ThreadProvider, **ASSISTANTS_API)
        assistant = assistants.create({"model": "gpt-test", "metadata": {"team": "docs"}})
        assistants.read(assistant.id, dict(assistant.outs))
        thread = threads.create({})
        messages = configured_provider(fake, MessageProvider, **ASSISTANTS_API)
        message = messages.create({"thread_id": thread.id, "content": "Hi"})
        runs = configured_provider(fake, **ASSISTANTS_API)
        ids = {"assistant_id": assistant.id, "thread_id": thread.id}
        run = runs.create({**ids, "completion_window": 60.0, "metadata": {"v": "1"}})
        runs.read(run.id, dict(run.outs))
        runs.update(run.id, dict(run.outs), {**ids, "completion_window": 60.0, "metadata": {"v": "2"}})
        runs.delete(run.id, dict(run.outs))
        messages.delete(message.id, dict(message.outs))
        threads.delete(thread.id, dict(thread.outs))
        assistants.delete(assistant.id, dict(assistant.outs))
    shown = [f"{w.filename}:{w.lineno}: {w.message}" for w in seen if issubclass(w.category, DeprecationWarning)]
    assert shown == []
    assert fake.count("GET", r"/threads/[^/]+/runs/run_\w+") >= 1  # the raw-response retrieve was among them
