"""RunProvider.diff: inputs only; replace, update in place, or nothing on the server, per field."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_openai_run import RunProvider
from pulumi_openai_run.schema import UNKNOWN

INPUTS: dict[str, Any] = {
    "assistant_id": "asst_a", "thread_id": "thread_t", "completion_window": 300, "instructions": "Be brief.",
    "max_tokens": 200, "metadata": {"team": "docs"}, "model": "gpt-4o", "stream_for_tool": False,
    "temperature": 0.5, "tools": [{"type": "code_interpreter"}], "top_p": 0.9,
}
STATE: dict[str, Any] = {**INPUTS, "__provider": "old-blob", "status": "completed", "steps": [], "usage": {},
                         "reply": "Hi", "created_at": 1}


def diff(**changes: Any) -> Any:
    return RunProvider().diff("run_1", STATE, {**INPUTS, "__provider": "new-blob", **changes})


def test_no_change_no_diff_even_when_the_provider_blob_differs() -> None:
    result = diff()
    assert result.changes is False
    assert result.replaces == []


def test_numbers_as_the_engine_sends_them_are_no_change() -> None:
    result = diff(completion_window=300.0, max_tokens=200.0, temperature=0.5, top_p=0.9)
    assert result.changes is False


def test_tools_in_the_flat_form_equal_to_the_api_form_are_no_change() -> None:
    state = {**STATE, "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]}
    news = {**INPUTS, "tools": [{"type": "function", "name": "f", "parameters": '{"type": "object"}'}]}
    assert RunProvider().diff("run_1", state, news).changes is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("assistant_id", "asst_b"), ("instructions", "Be long."), ("max_tokens", 300.0), ("model", "gpt-4.1"),
        ("temperature", 1.0), ("tools", []), ("top_p", 0.5), ("instructions", None),
    ],
)
def test_fields_that_start_a_new_run_replace_it_old_run_first(field: str, value: Any) -> None:
    result = diff(**{field: value})
    assert result.changes is True
    assert result.replaces == [field]
    assert result.delete_before_replace is True  # same thread: the old run must stop first


def test_a_new_thread_replaces_without_waiting_for_the_old_run() -> None:
    result = diff(thread_id="thread_u")
    assert result.replaces == ["thread_id"]
    assert result.delete_before_replace is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("metadata", {"team": "ops"}), ("metadata", None), ("completion_window", 60.0), ("completion_window", None),
     ("stream_for_tool", True)],
)
def test_fields_that_never_re_run(field: str, value: Any) -> None:
    result = diff(**{field: value})
    assert result.changes is True
    assert result.replaces == []


def test_outputs_in_state_are_not_compared() -> None:
    state = {**STATE, "status": "queued", "reply": ""}
    assert RunProvider().diff("run_1", state, INPUTS).changes is False


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()])
@pytest.mark.parametrize("field", ["assistant_id", "metadata", "tools"])
def test_unknown_values_in_preview_count_as_changes(field: str, unknown: Any) -> None:
    result = diff(**{field: unknown})
    assert result.changes is True
    assert (field in result.replaces) == (field != "metadata")


def test_empty_metadata_and_no_metadata_are_the_same() -> None:
    """A refresh drops an empty map from the inputs; that must not show as a change forever."""
    state = {**STATE, "metadata": {}}
    news = {k: v for k, v in INPUTS.items() if k != "metadata"}
    assert RunProvider().diff("run_1", state, {**news, "metadata": {}}).changes is False
    assert RunProvider().diff("run_1", {k: v for k, v in STATE.items() if k != "metadata"},
                              {**news, "metadata": {}}).changes is False


def test_a_forced_replacement_of_a_run_still_going_stops_it_first() -> None:
    """`pulumi up --replace` replaces a resource whose inputs did not change, reading delete_before_replace from
    the diff: a run that still holds its thread is stopped before the new one starts, so that the new create
    never finds the recorded run holding the thread."""
    going = RunProvider().diff("run_1", {**STATE, "status": "in_progress"}, {**INPUTS, "__provider": "new-blob"})
    assert (going.changes, going.replaces, going.delete_before_replace) == (False, [], True)
    response = {**INPUTS, "assistant_id": "agent_a", "thread_id": "conv_c", "api": "responses", "metadata": {}}
    done = RunProvider().diff("resp_1", {**response, "status": "completed"}, response)
    assert done.delete_before_replace is False  # a finished response frees its conversation: the new one first


def test_the_hidden_identity_and_generation_are_no_change() -> None:
    hidden = {"__identity": "proj/dev/summary", "__generation": "3"}
    result = RunProvider().diff("run_1", {**STATE, "__identity": "proj/dev/summary", "__generation": "2"},
                                {**INPUTS, **hidden})
    assert result.changes is False
