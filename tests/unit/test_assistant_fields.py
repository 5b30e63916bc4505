"""AssistantProvider.check and diff, from the Assistant's field table: every field is changed in place."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown

from pulumi_openai_run import AssistantProvider
from pulumi_openai_run.schema import UNKNOWN


def on_assistants() -> AssistantProvider:
    """This table as the Assistants API sees it, whatever the default API is (an asst_/thread_ id would say)."""
    provider = AssistantProvider()
    provider.configure(ConfigureRequest(Config({"openai:api": "assistants"}, "test")))
    return provider

VALID: dict[str, Any] = {"model": "gpt-4o"}
INPUTS: dict[str, Any] = {
    "model": "gpt-4o", "name": "Helper", "description": "Helps.", "instructions": "Be brief.",
    "tools": [{"type": "code_interpreter"}], "tool_resources": {"code_interpreter": {"file_ids": ["file-1"]}},
    "metadata": {"team": "docs"}, "temperature": 0.5, "top_p": 0.9, "response_format": {"type": "json_object"},
}
STATE: dict[str, Any] = {**INPUTS, "__provider": "old-blob", "object": "assistant", "created_at": 1}


def failures(**news: Any) -> dict[str, str]:
    result = on_assistants().check({}, {**VALID, **news})
    return {f.property: f.reason for f in result.failures}


def diff(**changes: Any) -> Any:
    news = {**INPUTS, "__provider": "new-blob", **changes}
    return on_assistants().diff("asst_1", STATE, {k: v for k, v in news.items() if v is not None})


def test_valid_inputs_pass_and_come_back_as_given() -> None:
    news = {**INPUTS, "response_format": "auto", "__provider": "blob"}
    result = on_assistants().check({}, news)
    assert result.failures == []
    assert result.inputs == news


def test_the_model_is_required() -> None:
    reasons = {f.property: f.reason for f in on_assistants().check({}, {}).failures}
    assert set(reasons) == {"model"} and "required" in reasons["model"]


@pytest.mark.parametrize(
    ("field", "bad", "allowed"),
    [
        ("model", "", "empty"),
        ("model", 4.0, "string"),
        ("name", "n" * 257, "at most 256 characters"),
        ("description", "d" * 513, "at most 512 characters"),
        ("instructions", ["x"], "string"),
        ("temperature", 2.5, "between 0 and 2"),
        ("top_p", 1.5, "between 0 and 1"),
        ("tools", [{"type": "browser"}], "allowed types: code_interpreter, file_search, function"),
        ("tools", [{"type": "function"}], "needs a 'name'"),
        ("tool_resources", {"code_interpreter": {"file_ids": ["a b"]}}, "plain id"),
        ("tool_resources", {"code_interpreter": {"file_ids": [f"file-{i}" for i in range(21)]}}, "at most 20"),
        ("tool_resources", {"file_search": {"vector_store_ids": ["vs_1", "vs_2"]}}, "at most 1"),
        ("tool_resources", {"file_search": {"vector_stores": [{}]}}, "create the vector store first"),
        ("tool_resources", {"browser": {}}, "unknown keys ['browser']"),
        ("tool_resources", ["file-1"], "must be a map"),
        ("response_format", "json", "'auto' or a map"),
        ("response_format", {"type": "yaml"}, "text | json_object | json_schema"),
        ("response_format", {"type": "json_schema"}, "'name'"),
        ("metadata", {f"k{i}": "v" for i in range(17)}, "at most 16 keys"),
    ],
)
def test_bad_values_name_the_field_the_problem_and_what_is_allowed(field: str, bad: Any, allowed: str) -> None:
    reason = failures(**{field: bad})[field]
    assert reason.startswith(f"'{field}'")
    assert allowed in reason


def test_several_bad_fields_give_one_failure_each_and_unknown_inputs_are_named() -> None:
    reasons = failures(temperature=9.0, top_p=9.0, tools="code_interpreter", modle="gpt-4o", object="assistant")
    assert set(reasons) == {"temperature", "top_p", "tools", "modle", "object"}
    assert "model" in reasons["modle"] and "output" in reasons["object"]


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()])
def test_unknown_values_during_preview_are_not_judged(unknown: Any) -> None:
    news = {"model": unknown, "tools": [unknown], "metadata": {"k": unknown}, "tool_resources": unknown,
            "response_format": unknown}
    assert on_assistants().check({}, news).failures == []


def test_no_change_no_diff_even_when_the_provider_blob_differs() -> None:
    result = diff()
    assert (result.changes, result.replaces) == (False, [])


def test_equivalent_spellings_are_no_change() -> None:
    result = diff(tools=[{"type": "code_interpreter"}], temperature=0.5, top_p=0.9,
                  tool_resources={"code_interpreter": {"file_ids": ["file-1"]}, "file_search": {}})
    assert result.changes is False


def test_an_absent_input_equals_the_api_default() -> None:
    state = {"model": "gpt-4o", "temperature": 1, "top_p": 1.0, "response_format": "auto", "tools": [],
             "metadata": {}, "tool_resources": {"code_interpreter": {"file_ids": []}}}
    assert on_assistants().diff("asst_1", state, {"model": "gpt-4o"}).changes is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("model", "gpt-4.1"), ("name", "Other"), ("name", None), ("instructions", "Be long."), ("tools", []),
     ("tools", None), ("tool_resources", None), ("metadata", {"team": "ops"}), ("temperature", 1.5),
     ("temperature", None), ("top_p", None), ("response_format", "auto")],
)
def test_every_field_changes_in_place(field: str, value: Any) -> None:
    result = diff(**{field: value})
    assert (result.changes, result.replaces, result.delete_before_replace) == (True, [], False)


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()])
def test_unknown_values_in_preview_count_as_changes_in_place(unknown: Any) -> None:
    result = diff(model=unknown)
    assert (result.changes, result.replaces) == (True, [])


@pytest.mark.parametrize(("value", "problem"), [
    ({"type": "json_schema", "json_schema": {"name": "has space!", "schema": {}}}, "json_schema.name"),
])
def test_response_format_schema_names_are_plain(value: Any, problem: str) -> None:
    failures = {f.property: f.reason for f in on_assistants().check(
        {}, {"model": "gpt-4o", "response_format": value}).failures}
    assert problem in failures["response_format"]
