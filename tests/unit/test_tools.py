"""Both spellings of a tool become the same API tool object."""

from __future__ import annotations

import pytest

from pulumi_openai_run._core.tools import ToolError, normalize_tools


def test_flat_function_tool_becomes_an_api_function_tool() -> None:
    flat = {"type": "function", "name": "get_weather", "description": "Weather for a city",
            "parameters": '{"type": "object", "properties": {"city": {"type": "string"}}}', "strict": "true"}
    assert normalize_tools([flat]) == [{
        "type": "function",
        "function": {"name": "get_weather", "description": "Weather for a city", "strict": True,
                     "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
    }]


def test_api_shaped_tools_pass_through() -> None:
    tools = [
        {"type": "code_interpreter"},
        {"type": "file_search", "file_search": {"max_num_results": 5}},
        {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
    ]
    assert normalize_tools(tools) == tools


def test_flat_file_search_options_are_converted() -> None:
    assert normalize_tools([{"type": "file_search", "max_num_results": "7"}]) == [
        {"type": "file_search", "file_search": {"max_num_results": 7}}
    ]


def test_the_error_says_which_tool() -> None:
    with pytest.raises(ToolError, match=r"tools\[1\]"):
        normalize_tools([{"type": "code_interpreter"}, {"type": "function"}])


@pytest.mark.parametrize(("ranking", "problem"), [
    ({"ranker": "auto"}, "needs a score_threshold"),
    ({"score_threshold": 5}, "from 0 to 1"),
    ({"score_threshold": 0.5, "ranker": "best"}, "ranker must be"),
])
def test_file_search_ranking_options_as_the_api_takes_them(ranking: dict, problem: str) -> None:
    with pytest.raises(ToolError, match=problem):
        normalize_tools([{"type": "file_search", "file_search": {"ranking_options": ranking}}])
    assert normalize_tools([{"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.2}}}]) \
        == [{"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.2}}}]
