"""Hostile input, unit by unit (issue 12, points 9 to 13): quoting capped, plain-JSON values and JSON text
bounded, numbers within what the API takes, settings stripped or refused without showing the key."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pulumi_openai_run import AssistantProvider, MessageProvider, RunProvider, ThreadProvider
from pulumi_openai_run._core.client import ConfigError, settings_from
from pulumi_openai_run._core.tools import normalize_tools, validate_tools
from pulumi_openai_run.schema import (
    MAX_JSON_CHARACTERS,
    MAX_JSON_DEPTH,
    MAX_QUOTED,
    Failure,
    JsonError,
    a_number,
    is_unknown,
    json_problem,
    parse_json,
    shown,
)

RUN_IDS = {"assistant_id": "asst_1", "thread_id": "thread_1"}


def nested(depth: int, leaf: Any = 1) -> Any:
    """``depth`` lists inside each other, built without recursion."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def reasons(provider: Any, news: dict[str, Any]) -> dict[str, str]:
    return {f.property: f.reason for f in provider.check({}, news).failures}


# --- quoting ---------------------------------------------------------------------------------------


def test_a_short_value_is_quoted_as_written() -> None:
    assert shown("asst bad") == "'asst bad'"
    assert shown(200.0) == "200" and shown(0.5) == "0.5" and shown(True) == "True" and shown(None) == "None"


def test_a_long_string_is_cut_with_an_ellipsis_and_its_length() -> None:
    text = shown("a" * 1_000_000)
    assert text == "'" + "a" * MAX_QUOTED + "…' (1,000,000 characters)"


def test_a_long_string_of_escapes_keeps_its_length() -> None:
    text = shown("\x07" * 10_000)
    assert text.endswith("…' (10,000 characters)") and len(text) < 5 * MAX_QUOTED


@pytest.mark.parametrize(("value", "expected"), [(1e308, "1e+308"), (2.0**60, "1.152921504606847e+18"),
                                                 (10**400, "a number beyond ±1.8e308"), (10**20, "1e+20")])
def test_huge_numbers_are_quoted_short(value: Any, expected: str) -> None:
    assert shown(value) == expected


def test_containers_are_quoted_to_their_first_items_and_levels() -> None:
    assert shown({"a": [1, 2, {"b": "x"}], "c": 2}) == "{'a': [1, 2, {…}], 'c': 2}"
    assert shown(list(range(1000))) == "[0, 1, 2, 3, …]"
    assert len(shown({"k" * 10_000: "v" * 10_000})) <= MAX_QUOTED + 40
    assert shown(nested(100_000)) == "[[[…]]]"  # no recursion through the whole value


def test_a_failure_reason_is_capped_as_a_last_guard() -> None:
    failure = Failure("x" * 10_000, "y" * 100_000)
    assert len(failure.property) < 200 and len(failure.reason) < 1_100 and "100,000 characters" in failure.reason


# --- plain JSON values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "what"), [(math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity"),
                                             (10**400, "beyond ±1.8e308")])
def test_a_number_that_is_not_finite_is_named_by_its_path(value: Any, what: str) -> None:
    problem = json_problem({"function": {"parameters": {"maximum": value}}}, "tools[0]")
    assert problem is not None
    assert problem.startswith(f"tools[0].function.parameters.maximum is {what}") or what in problem
    assert "finite" in problem


def test_nesting_is_bounded_without_recursion() -> None:
    assert json_problem(nested(MAX_JSON_DEPTH), "v") is None
    problem = json_problem(nested(MAX_JSON_DEPTH + 1), "v")
    assert problem is not None and f"more than {MAX_JSON_DEPTH} levels" in problem
    problem = json_problem(nested(100_000), "v")
    assert problem is not None and len(problem) < 200


def test_only_json_types_pass() -> None:
    assert json_problem({"a": [1, 2.5, "s", True, None, {}]}, "v") is None
    assert "JSON cannot hold" in (json_problem({"a": object()}, "v") or "")
    assert "not a string" in (json_problem({1: "x"}, "v") or "")


def test_is_unknown_walks_deep_values_without_recursion() -> None:
    assert is_unknown(nested(100_000)) is False
    assert is_unknown(nested(100_000, "04da6b54-80e4-46f7-96ec-b56ff0331ba9")) is True


# --- JSON text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}', '{"a": 1e999}', '{"a": -1e999}',
                                  "1" * 5_000, "1" * 400])
def test_json_text_with_numbers_no_json_parser_can_read_is_refused(text: str) -> None:
    with pytest.raises(JsonError) as caught:
        parse_json(text, "tools[0].parameters")
    message = str(caught.value)
    assert message.startswith("tools[0].parameters has") and "finite" in message and len(message) < 200


def test_json_text_nested_deeper_than_the_limit_is_refused() -> None:
    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, "p") == nested(MAX_JSON_DEPTH - 1, [])
    for depth in (MAX_JSON_DEPTH + 1, 100_000):
        with pytest.raises(JsonError, match=f"nested more than {MAX_JSON_DEPTH} levels"):
            parse_json("[" * depth + "]" * depth, "p")


def test_json_text_longer_than_the_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(JsonError, match="at most 1,000,000"):
        parse_json(" " * (MAX_JSON_CHARACTERS + 1), "p")


def test_invalid_json_text_says_where() -> None:
    with pytest.raises(JsonError, match=r"must be valid JSON: Expecting value at character 4\."):
        parse_json("[[[[", "p")


def test_valid_json_text_is_read() -> None:
    assert parse_json('{"type": "object", "maximum": 1e308, "n": -12}', "p") == {
        "type": "object", "maximum": 1e308, "n": -12}


# --- every resource's check ----------------------------------------------------------------------------


def test_tools_parameters_as_a_string_fail_check_naming_the_tool() -> None:
    tools = [{"type": "code_interpreter"}, {"type": "function", "name": "f", "parameters": '{"maximum": NaN}'}]
    reason = reasons(RunProvider(), {**RUN_IDS, "tools": tools})["tools"]
    assert "tools[1].parameters has NaN" in reason


@pytest.mark.parametrize(("provider", "news", "path"), [
    (RunProvider(), {**RUN_IDS, "input": [{"type": "input_text", "text": "hi", "x": math.nan}]}, "input[0].x"),
    (RunProvider(), {**RUN_IDS, "metadata": {"k": math.inf}}, "metadata.k"),
    (AssistantProvider(), {"model": "m", "api": "responses",
                           "text": {"format": {"type": "json_schema", "schema": {"maximum": math.nan}}}},
     "text.format.schema.maximum"),
    (ThreadProvider(), {"messages": [{"content": nested(100)}]}, "messages"),
    (MessageProvider(), {"thread_id": "thread_1", "content": [{"type": "text", "text": "x", "n": -math.inf}]},
     "content[0].n"),
])
def test_every_input_of_every_resource_must_be_plain_json(provider: Any, news: dict[str, Any], path: str) -> None:
    found = reasons(provider, news)
    field = path.split(".")[0].split("[")[0]
    assert field in found and path in found[field] and "not plain JSON" in found[field]
    assert len(found[field]) < 300


def test_api_tool_objects_with_a_nan_fail_the_tools_validator_too() -> None:
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"maximum": math.nan}}}]
    assert "tools[0].function.parameters.maximum is NaN" in (validate_tools(tools) or "")
    with pytest.raises(ValueError, match="not plain JSON"):
        normalize_tools(tools)


def test_a_huge_bad_value_is_quoted_short_in_a_tool_error() -> None:
    reason = reasons(RunProvider(), {**RUN_IDS, "tools": [{"type": "x" * 1_000_000}]})["tools"]
    assert "(1,000,000 characters)" in reason and len(reason) < 300


# --- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "ok"), [(200.0, True), (200, True), (200.5, False), (math.nan, False),
                                           (math.inf, False), (True, False), ("200", False), (10**400, False)])
def test_a_whole_number_field_takes_an_integral_float(value: Any, ok: bool) -> None:
    assert (a_number(1, 1000, integer=True)(value) is None) is ok


@pytest.mark.parametrize(("field", "value", "allowed"), [
    ("max_tokens", 1e308, "a whole number between 1 and 2,147,483,647"),
    ("max_tokens", 2.0**31, "a whole number between 1 and 2,147,483,647"),
    ("max_tokens", 10.5, "a whole number between 1 and 2,147,483,647"),
    ("completion_window", 86_401.0, "a number between 0 and 86400"),
    ("completion_window", math.inf, "a number between 0 and 86400"),
    ("temperature", math.nan, "a number between 0 and 2"),
    ("top_p", 1.01, "a number between 0 and 1"),
])
def test_run_numbers_are_bounded_by_what_the_api_takes(field: str, value: float, allowed: str) -> None:
    reason = reasons(RunProvider(), {**RUN_IDS, field: value})[field]
    assert f"must be {allowed}, got" in reason


def test_the_largest_max_tokens_passes() -> None:
    assert reasons(RunProvider(), {**RUN_IDS, "max_tokens": float(2**31 - 1)}) == {}


@pytest.mark.parametrize("value", [1e308, 0.0, 51.0, "1e999", 5.5])
def test_file_search_max_num_results_is_1_to_50(value: Any) -> None:
    tools = [{"type": "file_search", "max_num_results": value}]
    reason = reasons(RunProvider(), {**RUN_IDS, "tools": tools, "api": "assistants"})["tools"]
    assert "max_num_results must be a whole number from 1 to 50" in reason and len(reason) < 200


@pytest.mark.parametrize("threshold", ["NaN", "Infinity", "1e999", 1.5])
def test_file_search_score_threshold_is_0_to_1(threshold: Any) -> None:
    tools = [{"type": "file_search", "ranking_options": {"score_threshold": threshold}}]
    reason = reasons(RunProvider(), {**RUN_IDS, "tools": tools, "api": "assistants"})["tools"]
    assert "score_threshold must be from 0 to 1" in reason


# --- the key and the other settings ----------------------------------------------------------------------

KEY = "sk-hostile-0123456789abcdef"


def test_whitespace_around_every_string_setting_is_stripped() -> None:
    settings = settings_from({"openai:apiKey": f"  {KEY}\n", "openai:baseUrl": " https://api.example.com/v1\r\n",
                              "openai:organization": "org-1\t", "openai:project": "\nproj-1 ",
                              "openai:requestTimeout": " 30\n"}.get, {})
    assert (settings.api_key, settings.base_url, settings.organization, settings.project,
            settings.request_timeout) == (KEY, "https://api.example.com/v1", "org-1", "proj-1", 30.0)


def test_a_key_of_whitespace_alone_is_no_key() -> None:
    settings = settings_from({"openai:apiKey": " \n"}.get, {"OPENAI_API_KEY": KEY})
    assert settings.api_key == KEY


@pytest.mark.parametrize(("bad", "kind"), [(KEY[:5] + "\x07" + KEY[5:], "a control character"),
                                           (KEY[:5] + "\n" + KEY[5:], "a whitespace character"),
                                           (KEY[:5] + " " + KEY[5:], "a space"),
                                           (KEY[:5] + "é" + KEY[5:], "a non-ASCII character"),
                                           (KEY[:5] + "\x00" + KEY[5:], "a control character")])
def test_a_key_that_cannot_be_a_header_is_refused_without_being_shown(bad: str, kind: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({"openai:apiKey": bad}.get, {})
    message = str(caught.value)
    assert "openai:apiKey" in message and f"{kind} at character 6" in message and "printable ASCII" in message
    assert KEY[:5] not in message and KEY[5:] not in message and "sk-" not in message


def test_a_bad_key_from_the_environment_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({}.get, {"OPENAI_API_KEY": KEY + "\x1b[0m"})
    message = str(caught.value)
    assert "OPENAI_API_KEY environment variable" in message and "openai:apiKey" in message
    assert KEY not in message and KEY[:8] not in message


@pytest.mark.parametrize(("key", "value"), [("openai:organization", "org\x7f1"), ("openai:project", "proj 1"),
                                            ("openai:baseUrl", "https://api.example.com/ v1"),
                                            ("openai:baseUrl", "https://api.example.com/v1\x00")])
def test_other_settings_that_cannot_be_sent_are_refused_by_name(key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=key):
        settings_from({"openai:apiKey": KEY, key: value}.get, {})


@pytest.mark.parametrize("timeout", ["nan", "inf", "-1", "0", "3601", "1e999"])
def test_a_request_timeout_must_be_finite_and_at_most_an_hour(timeout: str) -> None:
    with pytest.raises(ConfigError, match="at most 3600"):
        settings_from({"openai:apiKey": KEY, "openai:requestTimeout": timeout}.get, {})
