"""ThreadProvider.check and diff, from the Thread's field table: metadata and tool resources in place,
initial messages replace."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown

from pulumi_openai_run import ThreadProvider
from pulumi_openai_run.schema import UNKNOWN


def on_assistants() -> ThreadProvider:
    """This table as the Assistants API sees it, whatever the default API is (an asst_/thread_ id would say)."""
    provider = ThreadProvider()
    provider.configure(ConfigureRequest(Config({"openai:api": "assistants"}, "test")))
    return provider

INPUTS: dict[str, Any] = {
    "messages": [{"role": "user", "content": "Hi", "metadata": {"n": "1"}}],
    "metadata": {"team": "docs"},
    "tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}},
}
STATE: dict[str, Any] = {**INPUTS, "__provider": "old-blob", "object": "thread", "created_at": 1}


def failures(**news: Any) -> dict[str, str]:
    return {f.property: f.reason for f in on_assistants().check({}, news).failures}


def diff(**changes: Any) -> Any:
    news = {**INPUTS, "__provider": "new-blob", **changes}
    return on_assistants().diff("thread_1", STATE, {k: v for k, v in news.items() if v is not None})


def test_no_inputs_at_all_make_a_valid_thread() -> None:
    assert on_assistants().check({}, {"__provider": "blob"}).failures == []


def test_valid_inputs_pass_and_come_back_as_given() -> None:
    news = {**INPUTS, "messages": [
        {"content": "Hi"},
        {"role": "assistant", "content": [{"type": "text", "text": "Hello"}]},
        {"content": [{"type": "image_file", "image_file": {"file_id": "file-1", "detail": "low"}}],
         "attachments": [{"file_id": "file-2", "tools": [{"type": "file_search"}]}]},
    ]}
    result = on_assistants().check({}, news)
    assert result.failures == [] and result.inputs == news


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ({"role": "user"}, "item 0: content is required"),
        ({"role": "system", "content": "Hi"}, "role must be one of user, assistant"),
        ({"content": ""}, "must not be empty"),
        ({"content": "Hi", "colour": "red"}, "unknown keys ['colour']"),
        ({"content": [{"type": "video"}]}, "allowed types: text, image_file, image_url"),
        ({"content": "Hi", "attachments": [{"file_id": "../x"}]}, "file_id must be a plain id"),
        ({"content": "Hi", "metadata": {"k": 1.0}}, "values must be strings"),
        ("Hi", "must be a map"),
    ],
)
def test_bad_initial_messages_say_which_and_why(bad: Any, problem: str) -> None:
    reason = failures(messages=[bad])["messages"]
    assert reason.startswith("'messages'") and problem in reason


def test_messages_must_be_a_list_and_other_fields_are_checked_too() -> None:
    reasons = failures(messages={"content": "Hi"}, metadata=["k"], tool_resources={"code_interpreter": []},
                       model="gpt-4o")
    assert set(reasons) == {"messages", "metadata", "tool_resources", "model"}
    assert "must be a list" in reasons["messages"] and "unknown input 'model'" in reasons["model"]


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()])
def test_unknown_values_during_preview_are_not_judged(unknown: Any) -> None:
    assert failures(messages=[{"content": unknown}], metadata=unknown, tool_resources=unknown) == {}


def test_no_change_no_diff() -> None:
    assert diff().changes is False


def test_equivalent_spellings_are_no_change() -> None:
    result = diff(messages=[{"content": [{"type": "text", "text": "Hi"}], "metadata": {"n": "1"}}],
                  tool_resources={"file_search": {"vector_store_ids": ["vs_1"]}, "code_interpreter": {"file_ids": []}})
    assert result.changes is False


@pytest.mark.parametrize(("field", "value"), [("metadata", {"team": "ops"}), ("metadata", None),
                                              ("tool_resources", None), ("tool_resources", {})])
def test_metadata_and_tool_resources_change_in_place(field: str, value: Any) -> None:
    result = diff(**{field: value})
    assert (result.changes, result.replaces) == (True, [])


@pytest.mark.parametrize("messages", [[{"content": "Hello"}], None, [], [{"content": "Hi", "role": "assistant"}]])
def test_other_initial_messages_make_a_new_thread(messages: Any) -> None:
    result = diff(messages=messages)
    assert (result.changes, result.replaces, result.delete_before_replace) == (True, ["messages"], False)
