"""MessageProvider.check and diff, from the Message's field table: metadata in place, the rest replaces."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_openai_run import MessageProvider
from pulumi_openai_run.schema import UNKNOWN

VALID: dict[str, Any] = {"thread_id": "thread_abc", "content": "What changed in Q3?"}
STATE: dict[str, Any] = {**VALID, "metadata": {"k": "v"}, "__provider": "old-blob", "object": "thread.message",
                         "created_at": 1, "status": "completed", "assistant_id": None, "run_id": None}


def failures(**news: Any) -> dict[str, str]:
    result = MessageProvider().check({}, {**VALID, **news})
    return {f.property: f.reason for f in result.failures}


def diff(**changes: Any) -> Any:
    news = {**VALID, "metadata": {"k": "v"}, "__provider": "new-blob", **changes}
    return MessageProvider().diff("msg_1", STATE, {k: v for k, v in news.items() if v is not None})


def test_valid_inputs_pass_and_come_back_as_given() -> None:
    news = {**VALID, "role": "assistant", "metadata": {"k": "v"}, "__provider": "blob",
            "attachments": [{"file_id": "file-1", "tools": [{"type": "code_interpreter"}, {"type": "file_search"}]}],
            "content": [{"type": "text", "text": "See the chart."},
                        {"type": "image_url", "image_url": {"url": "https://example.com/c.png", "detail": "high"}},
                        {"type": "image_file", "image_file": {"file_id": "file-2"}}]}
    result = MessageProvider().check({}, news)
    assert result.failures == [] and result.inputs == news


def test_thread_and_content_are_required() -> None:
    reasons = {f.property: f.reason for f in MessageProvider().check({}, {}).failures}
    assert set(reasons) == {"thread_id", "content"}
    assert all("required" in reason for reason in reasons.values())


@pytest.mark.parametrize(
    ("field", "bad", "allowed"),
    [
        ("thread_id", "thread/../runs", "plain id"),
        ("thread_id", 3.0, "string id"),
        ("role", "system", "one of 'user', 'assistant'"),
        ("content", "  ", "must not be empty"),
        ("content", [], "non-empty list of content parts (text, image_file, image_url)"),
        ("content", 42.0, "text or a non-empty list"),
        ("content", [{"type": "text"}], "non-empty 'text' string"),
        ("content", [{"type": "audio"}], "allowed types: text, image_file, image_url"),
        ("content", [{"type": "image_file", "image_file": {"file_id": "a/b"}}], "file_id must be a plain id"),
        ("content", [{"type": "image_url", "image_url": {"url": "ftp://x"}}], "http(s) or data:image/ URL"),
        ("content", [{"type": "image_url", "image_url": {"url": "https://example.com/chart.png", "detail": "max"}}],
         "auto, low, high"),
        ("content", [{"type": "text", "text": "Hi", "extra": 1}], "unknown keys ['extra']"),
        ("content", "x" * 256_001, "at most 256000 characters"),
        ("attachments", {"file_id": "file-1"}, "must be a list"),
        ("attachments", [{"file_id": "file-1", "tools": [{"type": "function"}]}], "code_interpreter | file_search"),
        ("attachments", [{"tools": []}], "file_id must be a string id"),
        ("metadata", {"k" * 65: "v"}, "1 to 64 characters"),
    ],
)
def test_bad_values_name_the_field_the_problem_and_what_is_allowed(field: str, bad: Any, allowed: str) -> None:
    reason = failures(**{field: bad})[field]
    assert reason.startswith(f"'{field}'")
    assert allowed in reason


def test_several_bad_fields_give_one_failure_each() -> None:
    reasons = failures(thread_id="bad id", role="robot", content="", status="completed")
    assert set(reasons) == {"thread_id", "role", "content", "status"}


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()])
def test_unknown_values_during_preview_are_not_judged(unknown: Any) -> None:
    assert failures(thread_id=unknown, content=unknown, attachments=[unknown]) == {}


def test_no_change_and_equivalent_spellings_are_no_diff() -> None:
    assert diff().changes is False
    assert diff(content=[{"type": "text", "text": "What changed in Q3?"}], role="user", attachments=[]).changes is False


def test_metadata_changes_in_place() -> None:
    for metadata in ({"k": "w"}, None):
        result = diff(metadata=metadata)
        assert (result.changes, result.replaces) == (True, [])


@pytest.mark.parametrize(
    ("field", "value"),
    [("thread_id", "thread_other"), ("content", "Something else?"), ("role", "assistant"),
     ("attachments", [{"file_id": "file-1"}])],
)
def test_anything_else_makes_a_new_message(field: str, value: Any) -> None:
    result = diff(**{field: value})
    assert (result.changes, result.replaces, result.delete_before_replace) == (True, [field], False)


def test_an_unknown_thread_during_preview_is_a_replacement() -> None:
    result = diff(thread_id=UNKNOWN)
    assert result.replaces == ["thread_id"]
