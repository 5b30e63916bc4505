"""A create whose earlier attempt was cut short (a killed `pulumi up`: no state records its run) finds that run
and adopts it, stops it when the inputs changed since, and never touches a run the state records. In-process
against the fake; tests/engine/test_engine_exactly_once.py kills the real provider server."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run import RunProvider
from pulumi_openai_run._runs.fields import RUN_FIELDS
from pulumi_openai_run._runs.identity import IDENTITY_KEY, marker_for
from pulumi_openai_run._runs.journal import Journal
from pulumi_openai_run._runs.provider import ProviderError
from pulumi_openai_run.testing import FakeOpenAI, Fault, RunScript
from tests.apis import ApiCase


def checked(provider: RunProvider, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check(olds, news)
    assert result.failures == []
    return dict(result.inputs)


def killed_attempt(provider: RunProvider, api: ApiCase, props: dict[str, Any]) -> str:
    """What a `pulumi up` killed mid-wait leaves: a run with the create's marker, its id in the journal (the
    in-process create below returns at once, without a window, and so forgets it: write it back)."""
    started = provider.create({**props, "completion_window": 0.0})
    Journal().record(marker_for(RUN_FIELDS, props), api.name, started.id, props["thread_id"])
    return started.id


def test_the_next_up_adopts_the_run_a_killed_up_started(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                        api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=30.0))
    props = checked(provider, {}, {**api_ids, "input": "Why?", IDENTITY_KEY: "proj/dev/summary"})
    first = killed_attempt(provider, api, props)
    again = provider.create({**checked(provider, {}, {**api_ids, "input": "Why?", IDENTITY_KEY: "proj/dev/summary"}),
                             "completion_window": 120.0})
    assert again.id == first and again.outs["status"] == "completed"
    assert [run["id"] for run in api.runs_on(fake, api_ids["thread_id"])] == [first]  # billed once
    assert fake.count("POST", api.create_path(api_ids["thread_id"])) == 1


def test_the_next_up_with_other_inputs_stops_the_killed_ups_run(fake: FakeOpenAI, provider: RunProvider,
                                                                 api: ApiCase, api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=30.0), RunScript(duration=1.0))
    first = killed_attempt(provider, api, checked(provider, {}, {**api_ids, "input": "Why?",
                                                                 IDENTITY_KEY: "proj/dev/summary"}))
    edited = checked(provider, {}, {**api_ids, "input": "Why not?", IDENTITY_KEY: "proj/dev/summary"})
    again = provider.create({**edited, "completion_window": 120.0})
    assert again.id != first and again.outs["status"] == "completed"
    assert api.run(fake, first)["status"] == "cancelled"  # nothing records it: it does not run on, billed
    assert len(api.runs_on(fake, api_ids["thread_id"])) == 2


def test_a_replacement_never_adopts_the_run_the_state_records(fake: FakeOpenAI, provider: RunProvider,
                                                              api: ApiCase, api_ids: dict[str, str]) -> None:
    news = {**api_ids, "input": "Why?", "completion_window": 60.0, IDENTITY_KEY: "proj/dev/summary"}
    recorded = provider.create(checked(provider, {}, news))
    # `pulumi up --replace`: the same inputs, checked against the state's
    state_inputs = {**checked(provider, {}, news)}
    replacement = provider.create(checked(provider, state_inputs, dict(news)))
    assert replacement.id != recorded.id and replacement.outs["status"] == "completed"
    assert api.run(fake, recorded.id)["status"] == "completed"  # left as it was, for the delete to handle
    assert len(api.runs_on(fake, api_ids["thread_id"])) == 2


def test_other_resources_runs_are_never_adopted(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                api_ids: dict[str, str]) -> None:
    fake.script_runs(RunScript(duration=5.0), RunScript(duration=1.0))
    theirs = killed_attempt(provider, api, checked(provider, {}, {**api_ids, "input": "Why?",
                                                                  IDENTITY_KEY: "proj/dev/other"}))
    mine = provider.create({**checked(provider, {}, {**api_ids, "input": "Why?", IDENTITY_KEY: "proj/dev/summary"}),
                            "completion_window": 120.0})
    assert mine.id != theirs
    assert api.run(fake, theirs)["status"] == "completed"  # waited for (the thread was busy), not cancelled


def test_a_resource_destroyed_and_created_again_runs_again(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                           api_ids: dict[str, str]) -> None:
    """`pulumi destroy` then `pulumi up` (or a Run removed and added back) starts from no state again, at the
    same generation as its first lifetime, whose finished run still carries the same marker: that run is not
    adopted (only the journal, written while a create is in flight, vouches for a finished one)."""
    news = {**api_ids, "input": "Why?", "completion_window": 60.0, IDENTITY_KEY: "proj/dev/summary"}
    first = provider.create(checked(provider, {}, news))
    provider.delete(first.id, first.outs)
    again = provider.create(checked(provider, {}, dict(news)))
    assert again.id != first.id and again.outs["status"] == "completed"
    assert fake.count("POST", api.create_path(api_ids["thread_id"])) == 2


def test_a_run_that_may_still_run_keeps_its_journal_entry(fake: FakeOpenAI, provider: RunProvider, api: ApiCase,
                                                          api_ids: dict[str, str]) -> None:
    """A create whose run could not be stopped fails saying so; its journal entry stays, so that the next
    attempt at this create finds that run (on the Responses API nothing else could) and adopts it."""
    fake.script_runs(RunScript(duration=600.0))
    fake.inject(Fault(method="POST", path=api.cancel, status=500, times=10_000))
    props = checked(provider, {}, {**api_ids, "input": "Why?", IDENTITY_KEY: "proj/dev/summary"})
    with pytest.raises(ProviderError, match="may still be running"):
        provider.create({**props, "completion_window": 5.0})
    [run] = api.runs_on(fake, api_ids["thread_id"])
    marker = marker_for(RUN_FIELDS, props)
    assert [entry.run_id for entry in Journal().entries(marker) if entry.token == marker.token] == [run["id"]]
    fake.clear_faults()
    again = provider.create({**props, "completion_window": 900.0})
    assert again.id == run["id"] and len(api.runs_on(fake, api_ids["thread_id"])) == 1
    assert [entry for entry in Journal().entries(marker) if entry.token == marker.token] == []  # recorded now
