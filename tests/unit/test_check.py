"""RunProvider.check: one failure per bad field, naming it, the problem and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_openai_run import RunProvider
from pulumi_openai_run.schema import UNKNOWN, shown

VALID: dict[str, Any] = {"assistant_id": "asst_abc123", "thread_id": "thread_abc123"}


def failures(**news: Any) -> dict[str, str]:
    result = RunProvider().check({}, {**VALID, **news})
    return {f.property: f.reason for f in result.failures}


def test_valid_inputs_pass_and_come_back_as_given() -> None:
    news = {**VALID, "completion_window": 300.0, "metadata": {"team": "docs"}, "temperature": 0.5,
            "max_tokens": 256.0, "top_p": 1.0, "model": "gpt-4o", "instructions": "", "stream_for_tool": True,
            "tools": [{"type": "code_interpreter"}], "__provider": "blob"}
    result = RunProvider().check({}, news)
    assert result.failures == []
    assert result.inputs == {**news, "__generation": "0"}  # and the create's generation (see test_identity)


def test_missing_required_ids_are_each_named() -> None:
    result = RunProvider().check({}, {})
    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) == {"assistant_id", "thread_id"}
    assert "required" in reasons["assistant_id"]


@pytest.mark.parametrize("field", ["assistant_id", "thread_id"])
@pytest.mark.parametrize("bad", ["", "thread/../x", "asst abc", "a" * 129, "asst_é", 12.0, ["asst_1"]])
def test_ids_must_be_plain_tokens(field: str, bad: Any) -> None:
    reasons = failures(**{field: bad})
    assert set(reasons) == {field}  # that field alone, once
    reason = reasons[field]
    example = "asst_abc123" if field == "assistant_id" else "thread_abc123"
    if isinstance(bad, str):  # what is wrong with it, what is allowed, and what was given
        assert reason == (f"'{field}' must be a plain id of letters, digits, '_' and '-' (1 to 128 characters), "
                          f"like '{example}'; got {shown(bad)}.")
    else:
        assert reason == f"'{field}' must be a string id like '{example}', got {type(bad).__name__}."


@pytest.mark.parametrize(
    ("field", "bad", "allowed"),
    [
        ("temperature", -0.1, "between 0 and 2"),
        ("temperature", 2.5, "between 0 and 2"),
        ("temperature", "hot", "number"),
        ("top_p", 1.5, "between 0 and 1"),
        ("top_p", -1.0, "between 0 and 1"),
        ("max_tokens", 0.0, "between 1 and 2,147,483,647"),
        ("max_tokens", 1e308, "between 1 and 2,147,483,647"),
        ("max_tokens", 1.5, "whole number"),
        ("max_tokens", True, "whole number"),
        ("completion_window", -1.0, "between 0 and 86400"),
        ("completion_window", "300", "number"),
        ("completion_window", float("nan"), "number"),
        ("stream_for_tool", "yes", "true or false"),
        ("model", "", "empty"),
        ("model", 4.0, "string"),
        ("instructions", 1.0, "string"),
    ],
)
def test_out_of_range_values_name_the_field_and_what_is_allowed(field: str, bad: Any, allowed: str) -> None:
    reason = failures(**{field: bad})[field]
    assert reason.startswith(f"'{field}'")
    assert allowed in reason


@pytest.mark.parametrize(
    ("metadata", "problem"),
    [
        ({f"k{i}": "v" for i in range(17)}, "at most 16 keys"),
        ({"k" * 65: "v"}, "1 to 64 characters"),
        ({"": "v"}, "1 to 64 characters"),
        ({"k": "v" * 513}, "at most 512 characters"),
        ({"k": 1.0}, "values must be strings"),
        (["k", "v"], "map of strings"),
    ],
)
def test_metadata_beyond_the_api_limits(metadata: Any, problem: str) -> None:
    assert problem in failures(metadata=metadata)["metadata"]


def test_metadata_at_the_limits_passes() -> None:
    at_limit = {f"k{i:02d}" + "x" * 61: "v" * 512 for i in range(16)}
    assert failures(metadata=at_limit) == {}


@pytest.mark.parametrize(
    ("tools", "problem"),
    [
        ([{"type": "browser"}], "allowed types: code_interpreter, file_search, function"),
        ([{"type": "function"}], "needs a 'name'"),
        ([{"type": "function", "name": "has space"}], "needs a 'name'"),
        ([{"type": "function", "name": "f", "parameters": "{not json"}], "valid JSON"),
        ([{"type": "function", "name": "f", "parameters": "[1, 2]"}], "JSON Schema object"),
        ([{"type": "function", "function": {"name": "f", "colour": "red"}}], "unknown keys"),
        ([{"type": "code_interpreter", "name": "x"}], "unknown keys"),
        ([{"type": "file_search", "max_num_results": "100"}], "1 to 50"),
        (["code_interpreter"], "must be a map"),
        ({"type": "code_interpreter"}, "must be a list"),
    ],
)
def test_bad_tools_are_refused(tools: Any, problem: str) -> None:
    reason = failures(tools=tools)["tools"]
    assert problem in reason


def test_unknown_inputs_and_outputs_given_as_inputs_are_refused() -> None:
    reasons = failures(temprature=1.0, status="completed")
    assert "unknown input 'temprature'" in reasons["temprature"]
    assert "did you mean 'temperature'" in reasons["temprature"]
    assert "output" in reasons["status"]


def test_numbers_are_shown_as_the_user_wrote_them() -> None:
    assert failures(temperature=5.0)["temperature"] == "'temperature' must be a number between 0 and 2, got 5."


def test_several_bad_fields_give_one_failure_each() -> None:
    reasons = failures(temperature=9.0, top_p=9.0, thread_id="bad id")
    assert set(reasons) == {"temperature", "top_p", "thread_id"}


def test_unknown_values_as_the_server_hands_them_over_are_not_judged() -> None:
    result = RunProvider().check({}, {"assistant_id": Unknown(), "thread_id": "thread_1", "tools": [Unknown()]})
    assert result.failures == []


def test_unknown_values_during_preview_are_not_judged() -> None:
    result = RunProvider().check({}, {"assistant_id": UNKNOWN, "thread_id": UNKNOWN, "temperature": UNKNOWN,
                                      "metadata": {"k": UNKNOWN}, "tools": [UNKNOWN]})
    assert result.failures == []


def test_outputs_registered_as_none_are_dropped_from_inputs() -> None:
    result = RunProvider().check({}, {**VALID, "status": None, "steps": None, "model": None})
    assert result.failures == []
    assert result.inputs == {**VALID, "__generation": "0"}


def test_the_providers_own_metadata_key_is_refused() -> None:
    reason = failures(metadata={"pulumi_create_token": "mine"})["metadata"]
    assert "pulumi_create_token" in reason and "may not use" in reason
