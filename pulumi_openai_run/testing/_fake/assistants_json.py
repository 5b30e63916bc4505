"""Builders for the API JSON objects, shaped exactly as the real Assistants v2 service sends them."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .ids import new_id


def ts(t: float) -> int:
    """API timestamps are whole Unix seconds."""
    return int(t)


def assistant_object(assistant_id: str, created_at: float, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": assistant_id,
        "object": "assistant",
        "created_at": ts(created_at),
        "name": fields.get("name"),
        "description": fields.get("description"),
        "model": fields["model"],
        "instructions": fields.get("instructions"),
        "tools": list(fields.get("tools") or []),
        "tool_resources": dict(fields.get("tool_resources") or {}),
        "metadata": dict(fields.get("metadata") or {}),
        "temperature": fields.get("temperature") if fields.get("temperature") is not None else 1.0,
        "top_p": fields.get("top_p") if fields.get("top_p") is not None else 1.0,
        "response_format": fields.get("response_format") or "auto",
        "reasoning_effort": fields.get("reasoning_effort"),
    }


def thread_object(
    thread_id: str,
    created_at: float,
    metadata: Mapping[str, str] | None,
    tool_resources: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return {
        "id": thread_id,
        "object": "thread",
        "created_at": ts(created_at),
        "metadata": dict(metadata or {}),
        "tool_resources": dict(tool_resources or {}),
    }


def text_block(value: str, annotations: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    return {"type": "text", "text": {"value": value, "annotations": [dict(a) for a in annotations]}}


def content_blocks(content: str | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Turn request content (a string or content parts) into response content blocks."""
    if isinstance(content, str):
        return [text_block(content)]
    blocks: list[dict[str, Any]] = []
    for part in content:
        if part.get("type") == "text":
            blocks.append(text_block(str(part.get("text", ""))))
        else:
            blocks.append(dict(part))
    return blocks


def message_object(
    message_id: str,
    thread_id: str,
    created_at: float,
    *,
    role: str,
    content: list[dict[str, Any]],
    attachments: Sequence[Mapping[str, Any]] | None = None,
    metadata: Mapping[str, str] | None = None,
    assistant_id: str | None = None,
    run_id: str | None = None,
    status: str = "completed",
) -> dict[str, Any]:
    return {
        "id": message_id,
        "object": "thread.message",
        "created_at": ts(created_at),
        "thread_id": thread_id,
        "status": status,
        "incomplete_details": None,
        "completed_at": None,
        "incomplete_at": None,
        "role": role,
        "content": content,
        "assistant_id": assistant_id,
        "run_id": run_id,
        "attachments": [dict(a) for a in attachments or []],
        "metadata": dict(metadata or {}),
    }


def reply_content(
    reply: str, message_file_ids: Sequence[str], image_file_ids: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Content blocks and attachments of the assistant's reply.

    Each cited file adds a marker ``【{i}:0†source】`` to the text with a ``file_citation`` annotation
    spanning it; each code interpreter image adds an ``image_file`` block after the text.
    """
    text = reply
    annotations: list[dict[str, Any]] = []
    for i, file_id in enumerate(message_file_ids):
        marker = f"【{i}:0†source】"
        annotations.append(
            {
                "type": "file_citation",
                "text": marker,
                "start_index": len(text),
                "end_index": len(text) + len(marker),
                "file_citation": {"file_id": file_id},
            }
        )
        text += marker
    blocks = [text_block(text, annotations)]
    blocks.extend({"type": "image_file", "image_file": {"file_id": fid}} for fid in image_file_ids)
    attachments = [{"file_id": fid, "tools": [{"type": "file_search"}]} for fid in message_file_ids]
    return blocks, attachments


def message_delta(message_id: str, content: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The single ``thread.message.delta`` that streams a finished reply."""
    delta_blocks: list[dict[str, Any]] = []
    for index, block in enumerate(content):
        if block["type"] == "text":
            annotations = [{"index": i, **a} for i, a in enumerate(block["text"]["annotations"])]
            delta_blocks.append(
                {"index": index, "type": "text", "text": {"value": block["text"]["value"], "annotations": annotations}}
            )
        else:
            delta_blocks.append({"index": index, **block})
    return {"id": message_id, "object": "thread.message.delta", "delta": {"role": "assistant", "content": delta_blocks}}


def usage_object(usage: Mapping[str, int] | None) -> dict[str, int] | None:
    if usage is None:
        return None
    return {
        "prompt_tokens": int(usage.get("prompt_tokens", 0)),
        "completion_tokens": int(usage.get("completion_tokens", 0)),
        "total_tokens": int(usage.get("total_tokens", 0)),
    }


ZERO_USAGE = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def step_object(
    step_id: str,
    *,
    run: Mapping[str, Any],
    created_at: int,
    step_type: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": step_id,
        "object": "thread.run.step",
        "created_at": created_at,
        "run_id": run["id"],
        "assistant_id": run["assistant_id"],
        "thread_id": run["thread_id"],
        "type": step_type,
        "status": "in_progress",
        "cancelled_at": None,
        "completed_at": None,
        "expired_at": None,
        "failed_at": None,
        "last_error": None,
        "step_details": details,
        "usage": None,
        "metadata": {},
    }


FILE_SEARCH_CONTENT_INCLUDE = "step_details.tool_calls[*].file_search.results[*].content"


def public_step(step: Mapping[str, Any], *, include_content: bool = False) -> dict[str, Any]:
    """A copy of a stored step as the API shows it: file search result content only when included."""
    view = copy.deepcopy(dict(step))
    if not include_content:
        for call in view["step_details"].get("tool_calls", []):
            for result in (call.get("file_search") or {}).get("results") or []:
                result.pop("content", None)
    return view


def message_creation_details(message_id: str) -> dict[str, Any]:
    return {"type": "message_creation", "message_creation": {"message_id": message_id}}


def tool_calls_details(tool_calls: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "tool_calls", "tool_calls": tool_calls}


def code_interpreter_call(image_file_ids: Sequence[str], *, code: str | None = None) -> dict[str, Any]:
    return {
        "id": new_id("call"),
        "type": "code_interpreter",
        "code_interpreter": {
            "input": code if code is not None else "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])",
            "outputs": [{"type": "image", "image": {"file_id": fid}} for fid in image_file_ids],
        },
    }


def extra_step_call(index: int) -> dict[str, Any]:
    """Filler tool call for ``RunScript.extra_steps``: a code interpreter call printing its index."""
    call = code_interpreter_call((), code=f"print({index})")
    call["code_interpreter"]["outputs"] = [{"type": "logs", "logs": f"{index}\n"}]
    return call


def file_search_call(file_ids: Sequence[str], *, with_content: bool) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for i, file_id in enumerate(file_ids):
        result: dict[str, Any] = {"file_id": file_id, "file_name": f"{file_id}.txt", "score": round(0.9 - i / 100, 4)}
        if with_content:
            result["content"] = [{"type": "text", "text": f"Contents of {file_id}."}]
        results.append(result)
    return {
        "id": new_id("call"),
        "type": "file_search",
        "file_search": {
            "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0},
            "results": results,
        },
    }


def function_call(name: str) -> dict[str, Any]:
    return {
        "id": new_id("call"),
        "type": "function",
        "function": {"name": name, "arguments": json.dumps({"location": "San Francisco"}), "output": None},
    }


def run_object(
    run_id: str,
    *,
    thread_id: str,
    assistant: Mapping[str, Any],
    created_at: float,
    body: Mapping[str, Any],
) -> dict[str, Any]:
    """A new ``queued`` run: request fields win, the assistant supplies the rest."""

    def pick(name: str, default: Any) -> Any:
        value = body.get(name)
        if value is None:
            value = assistant.get(name)
        return default if value is None else value

    instructions = pick("instructions", "")
    if body.get("additional_instructions"):
        instructions = (
            f"{instructions}\n{body['additional_instructions']}"
            if instructions
            else str(body["additional_instructions"])
        )
    created = ts(created_at)
    return {
        "id": run_id,
        "object": "thread.run",
        "created_at": created,
        "assistant_id": assistant["id"],
        "thread_id": thread_id,
        "status": "queued",
        "started_at": None,
        "expires_at": created + 600,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "required_action": None,
        "last_error": None,
        "model": pick("model", "gpt-6-astra"),
        "instructions": instructions,
        "tools": list(pick("tools", [])),
        "metadata": dict(body.get("metadata") or {}),
        "temperature": pick("temperature", 1.0),
        "top_p": pick("top_p", 1.0),
        "max_completion_tokens": body.get("max_completion_tokens"),
        "max_prompt_tokens": body.get("max_prompt_tokens"),
        "truncation_strategy": body.get("truncation_strategy") or {"type": "auto", "last_messages": None},
        "incomplete_details": None,
        "usage": None,
        "response_format": pick("response_format", "auto"),
        "tool_choice": body.get("tool_choice") or "auto",
        "parallel_tool_calls": body.get("parallel_tool_calls") is not False,
        "reasoning_effort": pick("reasoning_effort", None),
    }
