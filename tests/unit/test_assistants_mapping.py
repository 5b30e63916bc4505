"""The pure mapping between Run inputs/outputs and the Assistants API's JSON."""

from __future__ import annotations

import json

from pulumi_openai_run._apis.assistants import mapping
from pulumi_openai_run.schema import CREATE_TOKEN_KEY


def test_inputs_map_onto_the_create_body() -> None:
    body = mapping.create_params(
        {"assistant_id": "asst_a", "thread_id": "thread_t", "instructions": "Be brief.", "model": "gpt-4o",
         "max_tokens": 256.0, "temperature": 1, "top_p": 0.5, "metadata": {"team": "docs"},
         "tools": [{"type": "function", "name": "f"}], "completion_window": 30.0, "stream_for_tool": True},
        token="tok",
    )
    assert body == {
        "assistant_id": "asst_a", "instructions": "Be brief.", "model": "gpt-4o", "max_completion_tokens": 256,
        "temperature": 1.0, "top_p": 0.5, "metadata": {"team": "docs", CREATE_TOKEN_KEY: "tok"},
        "tools": [{"type": "function", "function": {"name": "f"}}],
    }
    assert isinstance(body["max_completion_tokens"], int)


def test_absent_inputs_send_nothing_not_even_max_tokens() -> None:
    body = mapping.create_params({"assistant_id": "asst_a", "thread_id": "thread_t"}, token=None)
    assert body == {"assistant_id": "asst_a"}


def test_no_marker_when_the_metadata_is_full() -> None:
    full = {f"k{i}": "v" for i in range(16)}
    body = mapping.create_params({"assistant_id": "asst_a", "metadata": full}, token="tok")
    assert body["metadata"] == full


def run_step(step_id: str, created_at: int, details: dict) -> dict:
    return {"id": step_id, "created_at": created_at, "object": "thread.run.step", "status": "completed",
            "type": details["type"], "step_details": details}


def test_details_steps_oldest_first_files_and_reply() -> None:
    steps = [
        run_step("step_2", 20, {"type": "message_creation", "message_creation": {"message_id": "msg_1"}}),
        run_step("step_1", 10, {"type": "tool_calls", "tool_calls": [
            {"id": "c1", "type": "code_interpreter", "code_interpreter": {"input": "plot()", "outputs": [
                {"type": "image", "image": {"file_id": "file-img"}}, {"type": "logs", "logs": "ok"}]}},
            {"id": "c2", "type": "file_search", "file_search": {"results": [
                {"file_id": "file-doc", "file_name": "a.pdf", "score": 0.9}]}},
        ]}),
    ]
    messages = [{
        "id": "msg_1", "created_at": 21, "role": "assistant", "run_id": "run_1",
        "attachments": [{"file_id": "file-att", "tools": []}],
        "content": [
            {"type": "text", "text": {"value": "See the chart.", "annotations": [
                {"type": "file_citation", "file_citation": {"file_id": "file-doc"}},
                {"type": "file_path", "file_path": {"file_id": "file-out"}}]}},
            {"type": "image_file", "image_file": {"file_id": "file-img"}},
        ],
    }]
    details = mapping.details(steps, messages).outputs()
    assert [s["id"] for s in details["steps"]] == ["step_1", "step_2"]
    assert json.loads(details["steps"][1]["details"]) == steps[0]["step_details"]
    assert set(details["steps"][0]) == {"created_at", "details", "id", "object", "status", "type"}
    assert details["file_ids"] == ["file-att", "file-doc", "file-img", "file-out"]
    assert details["reply"] == "See the chart."
    assert details["message_ids"] == ["msg_1"]


def test_run_outputs_drop_nulls_inside_maps() -> None:
    out = mapping.run_outputs({"id": "run_1", "object": "thread.run", "status": "failed", "created_at": 1,
                               "started_at": 2, "completed_at": None, "usage": {"prompt_tokens": 3,
                               "completion_tokens": 4, "total_tokens": 7, "prompt_token_details": None},
                               "last_error": {"code": "server_error", "message": "boom"},
                               "incomplete_details": None})
    assert out["usage"] == {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
    assert out["last_error"] == {"code": "server_error", "message": "boom"}
    assert out["completed_at"] is None and out["incomplete_details"] is None
