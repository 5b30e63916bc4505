"""The driver's output pieces and decisions, without a server: Pulumi's shapes, integers kept integers, the
engine's step rules and the state file's masking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_openai_run.testing._driver import plan, render, state
from pulumi_openai_run.testing._engine.calls import DiffOutcome
from pulumi_openai_run.testing._engine.wire import UNKNOWN


def test_integral_floats_become_integers_and_other_floats_stay() -> None:
    assert render.normalise({"usage": {"total_tokens": 15.0}, "t": [0.5, 2.0], "ok": True}) == \
        {"usage": {"total_tokens": 15}, "t": [0.5, 2], "ok": True}
    assert render.value_text({"b": 1.0, "a": 0.5}) == "{\n    a: 0.5\n    b: 1\n}"


def test_a_step_line_and_its_diff_look_like_the_cli() -> None:
    assert render.step_line("update", "T", "helper", "done", 4.2, render.diff_tag(["instructions"])) == \
        " ~  T helper updated (4s) [diff: ~instructions]"
    assert render.step_line("replace", "T", "q", "planned") == " +- T q replace"
    assert render.diff_lines({"instructions": "old", "__provider": "x"}, {"instructions": "new", "__provider": "y"},
                             indent=0) == ['~ instructions: "old" => "new"']
    assert render.diff_lines({"content": "a"}, {"content": "b"}, ["content"], indent=0) == \
        ['~ content: "a" => "b" (forces replacement)']
    assert render.value_text(UNKNOWN) == "[unknown]"


def test_the_summary_counts_each_kind_and_the_unchanged() -> None:
    assert render.summary({"create": 2, "update": 1, "replace": 1, "delete": 1}, 3, planned=False) == [
        "Resources:", "    + 2 created", "    ~ 1 updated", "    +-1 replaced", "    - 1 deleted", "    3 unchanged"]
    assert render.summary({"create": 2}, 0, planned=True) == ["Resources:", "    + 2 to create"]
    assert render.duration(65.4) == "1m5s" and render.duration(3.6) == "4s"


def test_outputs_pad_names_and_hide_secrets() -> None:
    assert render.outputs_block({"run_id": "r", "reply": "hi", "key": "v"}, {"key"}) == [
        "Outputs:", '    key   : [secret]', '    reply : "hi"', '    run_id: "r"']


def _resource(name: str, **inputs: object) -> state.ResourceState:
    return state.ResourceState(f"urn:{name}", "T", name, f"id-{name}", dict(inputs), dict(inputs))


def test_decisions_follow_the_providers_diff() -> None:
    old = _resource("a", x=1)
    assert plan.decide(None, None, {}).op == "create"
    assert plan.decide(old, DiffOutcome("none", [], False), {"x": 2}).op == "same"
    assert plan.decide(old, DiffOutcome("some", [], False), {"x": 2}).op == "update"
    replace = plan.decide(old, DiffOutcome("some", ["x"], True), {"x": 2})
    assert replace.op == "replace" and replace.delete_first and replace.replaces == ("x",)
    assert plan.decide(old, DiffOutcome("unknown", [], False), {"x": 1.0}).op == "same"
    assert plan.decide(old, DiffOutcome("unknown", [], False), {"x": 2}).op == "update"


def test_deletes_run_newest_first_and_take_the_old_halves_of_replacements() -> None:
    a, b, c = _resource("a"), _resource("b"), _resource("c")
    half = state.ResourceState(b.urn, "T", "b", b.id, {}, {})
    assert [r.name for r in plan.deletions([a, b, c], {"urn:b"}, [half])] == ["c", "b", "a"]
    assert plan.deletions([a, b, c], {"urn:b"}, [half])[1] is half
    assert [r.name for r in plan.deletions([a, b, c], {"urn:a", "urn:b", "urn:c"})] == []


def test_the_state_file_masks_secrets_and_recognises_an_unchanged_one(tmp_path: Path) -> None:
    stack = state.StackState("dev", "p", [_resource("m", content="the s3cret here", n=5.0)])
    path = tmp_path / "dev.json"
    state.save(path, stack, lambda text: text.replace("s3cret", "[secret]"))
    raw = path.read_bytes()
    assert b"s3cret" not in raw and b'"n": 5' in raw and b"5.0" not in raw
    loaded = state.load(path, "dev", "p")
    [m] = loaded.resources
    assert m.inputs["content"] == "the [secret] here"
    assert set(m.masked) == {"inputs.content", "outputs.content"}
    same = state.unmasked(loaded, m.inputs, state.side(m.masked, "inputs"), {"content": "the s3cret here"})
    assert same["content"] == "the s3cret here"
    changed = state.unmasked(loaded, m.inputs, state.side(m.masked, "inputs"), {"content": "the other one"})
    secrets = state.unmasked_by_secrets(loaded, m.outputs, state.side(m.masked, "outputs"), ["x", "s3cret"])
    assert secrets["content"] == "the s3cret here"
    assert changed["content"] == "the [secret] here"


def test_a_state_file_of_another_stack_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    state.save(path, state.StackState("dev", "p"), str)
    with pytest.raises(ValueError, match=r"holds stack 'dev' of project 'p', not 'prod' of 'p'"):
        state.load(path, "prod", "p")
    path.write_text(json.dumps({"format": 99}))
    with pytest.raises(ValueError, match="not a state file of format 1"):
        state.load(path, "dev", "p")


def test_a_provider_log_line_is_given_to_the_step_whose_thread_it_names() -> None:
    one = plan.Step("create", "urn:one", "T", "one", news={"thread_id": "conv_1"})
    two = plan.Step("create", "urn:two", "T", "two", news={"thread_id": "conv_2"})
    assert render.owner("Response resp_9 on conversation conv_2: in_progress, 5 s", [one, two]) is two
    assert render.owner("something else", [one, two]) is None
    assert render.owner("something else", [one]) is one


def test_a_program_error_is_located_in_the_program(tmp_path: Path) -> None:
    from pulumi_openai_run.testing._driver.cli import program_location

    program = tmp_path / "__main__.py"
    program.write_text("def fail():\n    raise ValueError('no')\n")
    namespace: dict[str, object] = {}
    exec(compile(program.read_text(), str(program), "exec"), namespace)
    with pytest.raises(ValueError) as caught:
        namespace["fail"]()  # type: ignore[operator]
    assert program_location(caught.value, tmp_path) == f"{program}:2: "
    assert program_location(ValueError("elsewhere"), tmp_path) == ""


def test_an_old_half_that_was_not_deleted_stays_in_the_state_and_goes_next_time() -> None:
    old, new, other = _resource("a"), state.ResourceState("urn:a", "T", "a", "id-new", {}, {}), _resource("b")
    after_failure = plan.new_state_order([old, other], [new])  # the delete of the old half failed
    assert [(r.name, r.id) for r in after_failure] == [("a", "id-new"), ("a", "id-a"), ("b", "id-b")]
    # the next update registers a and b: the pending old half of a is deleted, the live one is not
    assert [r.id for r in plan.deletions(after_failure, {"urn:a", "urn:b"})] == ["id-a"]
