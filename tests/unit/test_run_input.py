"""The Run's ``input`` (pure): the field table's validator of either API's spelling, each API's own check of
the parts it takes, the mapping to each API's request, and what ``stream_for_tool`` needs (``Waiting``)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run._apis.assistants import mapping as assistants
from pulumi_openai_run._runs.fields import RUN_FIELDS, Waiting
from pulumi_openai_run._runs.user_input import ASSISTANTS_PARTS, RESPONSES_PARTS, parts_problem, validate_input
from pulumi_openai_run.schema import UNKNOWN, check, diff

FINE = [
    "Why?",
    [{"type": "input_text", "text": "Hi"},
     {"type": "input_image", "image_url": "https://x.example.com/a.png", "detail": "high"},
     {"type": "input_file", "file_data": "data:application/pdf;base64,AAAA", "filename": "a.pdf"},
     {"type": "input_file", "file_id": "file-1"}],
    [{"type": "text", "text": "Hi"}, {"type": "image_file", "image_file": {"file_id": "file-1", "detail": "low"}},
     {"type": "image_url", "image_url": {"url": "https://x.example.com/a.png"}}],
]


@pytest.mark.parametrize("value", FINE, ids=["text", "responses parts", "assistants parts"])
def test_well_formed_inputs_pass(value: Any) -> None:
    assert validate_input(value) is None


@pytest.mark.parametrize(("value", "why"), [
    ("  ", "must not be empty"),
    ("x" * 256_001, "at most 256000"),
    (7, "got int"),
    ([], "an empty list"),
    (["Hi"], "part [0] must be a map"),
    ([{"type": "audio"}], "has type 'audio'; allowed: input_text, input_image, input_file, text"),
    ([{"type": "input_text", "text": ""}], "non-empty 'text'"),
    ([{"type": "input_text", "text": "a", "colour": "red"}], "unknown keys ['colour']"),
    ([{"type": "input_image"}], "exactly one of image_url, file_id"),
    ([{"type": "input_image", "file_id": "f", "image_url": "u"}], "exactly one of image_url, file_id"),
    ([{"type": "input_image", "file_id": "f", "detail": "huge"}], "detail 'huge'"),
    ([{"type": "input_file", "file_data": "AAAA"}], "needs a 'filename'"),
    ([{"type": "image_file", "file_id": "f"}], "must be {type: image_file, image_file: {file_id, detail}}"),
    ([{"type": "image_url", "image_url": {"url": ""}}], "exactly url"),
    ([{"type": "input_text", "text": "a"}, {"type": "text", "text": "b"}], "mixes the Responses API's parts"),
])
def test_a_bad_input_says_what_is_wrong_and_what_is_allowed(value: Any, why: str) -> None:
    problem = validate_input(value)
    assert problem is not None and why in problem


def test_each_api_takes_its_own_parts() -> None:
    responses, assistants_parts = FINE[1], FINE[2]
    assert parts_problem(responses, RESPONSES_PARTS, "the Responses API") is None
    assert parts_problem(assistants_parts, ASSISTANTS_PARTS, "the Assistants API") is None
    problem = parts_problem(assistants_parts, RESPONSES_PARTS, "the Responses API")
    assert problem == ("part [0] is a 'text' part, which the Responses API does not take: its parts are "
                       "input_text, input_image, input_file.")
    assert parts_problem("Why?", RESPONSES_PARTS, "x") is None and parts_problem([], RESPONSES_PARTS, "x") is None


def test_the_field_table_checks_input_and_a_change_replaces_the_run() -> None:
    base = {"thread_id": "thread_1", "assistant_id": "asst_1"}
    [failure] = check(RUN_FIELDS, {**base, "input": [{"type": "audio"}]})
    assert failure.property == "input" and failure.reason.startswith("'input' part [0]")
    assert check(RUN_FIELDS, {**base, "input": UNKNOWN}) == []
    assert diff(RUN_FIELDS, {**base, "input": "a"}, {**base, "input": "b"}).replaces == ["input"]
    assert check(RUN_FIELDS, {"thread_id": "conv_1"}) == []  # assistant_id: the API's own rule decides


def test_input_is_the_runs_additional_message_on_the_assistants_api() -> None:
    params = assistants.create_params({"assistant_id": "asst_1", "input": FINE[2]}, None)
    assert params["additional_messages"] == [{"role": "user", "content": FINE[2]}]
    assert assistants.create_params({"assistant_id": "asst_1", "input": "Why?"}, None)["additional_messages"] == [
        {"role": "user", "content": "Why?"}]
    assert "additional_messages" not in assistants.create_params({"assistant_id": "asst_1"}, None)


def test_the_assistants_api_needs_an_assistant_and_its_own_parts() -> None:
    found = {f.property: f.reason for f in assistants.input_problems({"thread_id": "thread_1", "model": "m",
                                                                       "input": FINE[1]})}
    assert set(found) == {"assistant_id", "input"}
    assert "required on the Assistants API" in found["assistant_id"] and "'input_text'" in found["input"]
    assert assistants.input_problems({"assistant_id": UNKNOWN, "input": UNKNOWN}) == []


@pytest.mark.parametrize(("inputs", "refused"), [
    ({"stream_for_tool": True}, True),
    ({"stream_for_tool": True, "completion_window": 0}, True),
    ({"stream_for_tool": True, "completion_window": 30.0}, False),
    ({"stream_for_tool": True, "completion_window": UNKNOWN}, False),
    ({"stream_for_tool": UNKNOWN}, False),
    ({"stream_for_tool": False}, False),
    ({}, False),
])
def test_stream_for_tool_needs_a_window(inputs: dict[str, Any], refused: bool) -> None:
    problems = Waiting.problems(inputs)
    assert bool(problems) is refused
    if refused:
        assert problems[0].property == "stream_for_tool"
        assert problems[0].reason.endswith("set completion_window, or drop stream_for_tool.")
