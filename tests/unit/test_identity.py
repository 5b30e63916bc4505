"""The create marker (``_runs/identity.py``) and the create journal (``_runs/journal.py``): which earlier
attempts at a create a new one may adopt, and which it must never touch."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pulumi

from pulumi_openai_run import Run, RunProvider
from pulumi_openai_run._runs.fields import RUN_FIELDS
from pulumi_openai_run._runs.identity import GENERATION_KEY, IDENTITY_KEY, marker_for, next_generation
from pulumi_openai_run._runs.journal import Journal

NEWS: dict[str, Any] = {"assistant_id": "asst_a", "thread_id": "thread_t", "input": "Hi", "completion_window": 30.0,
                        IDENTITY_KEY: "proj/dev/summary", "__provider": "blob"}


def checked(olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    result = RunProvider().check(olds, news)
    assert result.failures == []
    return dict(result.inputs)


def test_a_retried_create_of_a_new_resource_has_the_same_marker() -> None:
    """A killed `pulumi up` leaves no state: the next one checks with no olds and gets the same marker."""
    first, second = checked({}, NEWS), checked({}, dict(NEWS))
    assert first[GENERATION_KEY] == second[GENERATION_KEY] == "0"
    assert marker_for(RUN_FIELDS, first).token == marker_for(RUN_FIELDS, second).token
    assert marker_for(RUN_FIELDS, first).derived


def test_a_replacement_never_has_the_marker_of_the_run_state_records() -> None:
    """`--replace` with identical inputs: check sees the recorded inputs as olds, so the generation moves on."""
    recorded = checked({}, NEWS)
    replacement = checked(recorded, dict(NEWS))
    assert replacement[GENERATION_KEY] == "1"
    old, new = marker_for(RUN_FIELDS, recorded), marker_for(RUN_FIELDS, replacement)
    assert not new.mine(old.token) and not new.same_step(old.token)
    # and a second interrupted attempt at that replacement finds the first attempt's marker
    assert marker_for(RUN_FIELDS, checked(recorded, dict(NEWS))).mine(new.token)


def test_changed_inputs_are_the_same_step_but_not_the_same_marker() -> None:
    before = marker_for(RUN_FIELDS, checked({}, NEWS))
    after = marker_for(RUN_FIELDS, checked({}, {**NEWS, "input": "Hello"}))
    assert after.same_step(before.token) and not after.mine(before.token)


def test_inputs_that_never_re_run_leave_the_marker_alone() -> None:
    """completion_window and stream_for_tool are state only; 300 and 300.0 are one number."""
    base = marker_for(RUN_FIELDS, checked({}, NEWS))
    other = marker_for(RUN_FIELDS, checked({}, {**NEWS, "completion_window": 600.0, "stream_for_tool": True}))
    assert other.mine(base.token)
    assert marker_for(RUN_FIELDS, checked({}, {**NEWS, "temperature": 1})).mine(
        marker_for(RUN_FIELDS, checked({}, {**NEWS, "temperature": 1.0})).token)


def test_other_resources_and_stacks_have_other_markers() -> None:
    mine = marker_for(RUN_FIELDS, checked({}, NEWS))
    for identity in ("proj/dev/other", "proj/prod/summary", "other/dev/summary"):
        theirs = marker_for(RUN_FIELDS, checked({}, {**NEWS, IDENTITY_KEY: identity}))
        assert not theirs.same_step(mine.token)


def test_without_an_identity_nothing_is_ever_adopted() -> None:
    anonymous = {k: v for k, v in NEWS.items() if k != IDENTITY_KEY}
    first, second = marker_for(RUN_FIELDS, checked({}, anonymous)), marker_for(RUN_FIELDS, checked({}, anonymous))
    assert not first.derived and first.token != second.token
    assert not second.mine(first.token) and not second.same_step(first.token)


def test_a_recorded_resource_without_a_generation_gets_one_that_matches_nothing() -> None:
    """An imported run (or one created before markers were derived) has no generation to count from: it gets
    one of its own, the same at every check of the same state (so a killed replacement is still found)."""
    imported = {"thread_id": "thread_t", "assistant_id": "asst_a", "__provider": "blob"}
    one, two = next_generation(imported), next_generation({**imported, "__provider": "another blob"})
    assert one == two and not one.isdigit()
    assert next_generation({**imported, "input": "Hi"}) != one

def test_the_hidden_inputs_are_kept_in_state_and_not_taken_for_unknown_inputs() -> None:
    result = RunProvider().check({}, NEWS)
    assert result.failures == []
    assert result.inputs[IDENTITY_KEY] == "proj/dev/summary"


def test_the_journal_keeps_a_step_until_forgotten(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    marker = marker_for(RUN_FIELDS, checked({}, NEWS))
    sibling = marker_for(RUN_FIELDS, checked({}, {**NEWS, "input": "Hello"}))
    stranger = marker_for(RUN_FIELDS, checked({}, {**NEWS, IDENTITY_KEY: "proj/dev/other"}))
    journal.record(sibling, "assistants", "run_sibling", "thread_t")
    journal.record(marker, "assistants", "run_mine", "thread_t")
    journal.record(stranger, "assistants", "run_stranger", "thread_t")
    found = Journal(tmp_path).entries(marker)  # another process reads what this one wrote
    assert [entry.run_id for entry in found] == ["run_mine", "run_sibling"]  # its own first, no stranger
    journal.forget(marker.token)
    assert [entry.run_id for entry in journal.entries(marker)] == ["run_sibling"]


def test_the_journal_ignores_random_markers_and_an_unwritable_directory(tmp_path: Path) -> None:
    anonymous = marker_for(RUN_FIELDS, checked({}, {k: v for k, v in NEWS.items() if k != IDENTITY_KEY}))
    Journal(tmp_path).record(anonymous, "assistants", "run_x", "thread_t")
    assert list(tmp_path.iterdir()) == []
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    marker = marker_for(RUN_FIELDS, checked({}, NEWS))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Journal(blocked / "creates").record(marker, "assistants", "run_x", "thread_t")  # the create goes on
    assert any("create journal" in str(w.message) for w in caught)
    assert Journal(blocked / "creates").entries(marker) == []


def test_runs_of_one_name_in_different_components_have_different_identities() -> None:
    """Pulumi tells `Run("run")` in component A from `Run("run")` in component B by the parent in the URN: so
    must the marker, or one would adopt or cancel the other's run."""
    sent: dict[str, Any] = {}

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            if args.typ.endswith("openai:Run"):
                sent[args.name + (args.inputs.get("thread_id") or "")] = args.inputs.get(IDENTITY_KEY)
            return f"{args.name}_id", dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
            return {}, []

    pulumi.runtime.set_mocks(Mocks(), project="proj", stack="dev")

    class Team(pulumi.ComponentResource):
        def __init__(self, name: str, thread: str) -> None:
            super().__init__("example:index:Team", name)
            Run("run", model="gpt-6-astra", thread_id=thread, opts=pulumi.ResourceOptions(parent=self))

    @pulumi.runtime.test
    def program() -> Any:
        Team("a", "conv_a")
        Team("b", "conv_b")
        Run("run", model="gpt-6-astra", thread_id="conv_top")
        return pulumi.Output.from_input(None)

    program()
    assert sent["runconv_top"] == "proj/dev/run"
    assert sent["runconv_a"] == "proj/dev/example:index:Team::a/run"
    assert sent["runconv_b"] == "proj/dev/example:index:Team::b/run"
    assert len({sent["runconv_a"], sent["runconv_b"], sent["runconv_top"]}) == 3
