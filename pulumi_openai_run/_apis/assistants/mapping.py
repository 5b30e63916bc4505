"""Assistants v2: the mapping between ``Run`` inputs/outputs and the API's JSON (pure functions).

The API objects arrive here as plain dicts (``model_dump(mode="json")`` of openai's models), so
this module neither imports ``openai`` nor does I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_openai_run._core.json import without_nulls
from pulumi_openai_run._core.tools import normalize_tools
from pulumi_openai_run._runs.backend import RunDetails
from pulumi_openai_run._runs.user_input import ASSISTANTS_PARTS, parts_problem
from pulumi_openai_run.schema import Failure, is_unknown, user_metadata, with_token

ACTIVE = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
SUCCEEDED = frozenset({"completed", "incomplete"})


def create_params(inputs: Mapping[str, Any], token: str | None) -> dict[str, Any]:
    """The body of POST /threads/{thread_id}/runs (without thread_id) for ``inputs``.

    ``max_tokens`` becomes ``max_completion_tokens``; absent inputs send nothing. ``token`` is added to
    the metadata when there is room for it (the API allows 16 keys).
    """
    params: dict[str, Any] = {"assistant_id": inputs["assistant_id"], **common_params(inputs, token)}
    if inputs.get("max_tokens") is not None:
        params["max_completion_tokens"] = int(inputs["max_tokens"])
    if inputs.get("tools") is not None:
        params["tools"] = normalize_tools(inputs["tools"])
    if inputs.get("input") is not None:
        params["additional_messages"] = [{"role": "user", "content": user_content(inputs["input"])}]
    return params


def user_content(value: Any) -> Any:
    """The content of the user message an ``input`` becomes: its text, or its parts as they are."""
    return value if isinstance(value, str) else [dict(part) for part in value]


def input_problems(inputs: Mapping[str, Any]) -> list[Failure]:
    """Inputs the Assistants API refuses although the field table allows them (unknown values pass):
    a run without an assistant (only the Responses API runs on a model alone), and the Responses API's
    content parts."""
    problems: list[Failure] = []
    if inputs.get("assistant_id") is None:
        problems.append(Failure("assistant_id", (
            "'assistant_id' is required on the Assistants API: the ID of the assistant to run (asst_...). "
            "Only on the Responses API can a run go on a model alone."
        )))
    value = inputs.get("input")
    problem = None if is_unknown(value) else parts_problem(value, ASSISTANTS_PARTS, "the Assistants API")
    if problem:
        problems.append(Failure("input", f"'input' {problem}"))
    return problems


def common_params(inputs: Mapping[str, Any], token: str | None) -> dict[str, Any]:
    """What both APIs take under the same names: instructions, model, temperature, top_p, and the
    metadata with the create marker."""
    params: dict[str, Any] = {}
    for name in ("instructions", "model"):
        if inputs.get(name) is not None:
            params[name] = inputs[name]
    for name in ("temperature", "top_p"):
        if inputs.get(name) is not None:
            params[name] = float(inputs[name])
    metadata = with_token(inputs.get("metadata"), token)
    if metadata:
        params["metadata"] = metadata
    return params


def run_outputs(run: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs that come from the run object itself."""
    usage = run.get("usage") or {}
    return {
        "object": run.get("object", "thread.run"),
        "status": run["status"],
        "created_at": run.get("created_at"),
        "started_at": run.get("started_at"),
        "completed_at": run.get("completed_at"),
        "usage": {k: usage[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens") if k in usage},
        "last_error": without_nulls(run.get("last_error")),
        "incomplete_details": without_nulls(run.get("incomplete_details")),
        "required_action": without_nulls(run.get("required_action")),
    }


def details(steps: Iterable[Mapping[str, Any]], messages: Iterable[Mapping[str, Any]]) -> RunDetails:
    """The outputs that come from the run's steps and the messages it created (oldest first)."""
    steps = sorted(steps, key=lambda s: (s.get("created_at") or 0, s["id"]))
    messages = sorted(messages, key=lambda m: (m.get("created_at") or 0, m["id"]))
    return RunDetails(
        steps=[step_output(step) for step in steps],
        file_ids=file_ids(steps, messages),
        reply=reply_text(messages),
        message_ids=[m["id"] for m in messages],
    )


def step_output(step: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "created_at": step.get("created_at"),
        "details": json.dumps(step.get("step_details"), sort_keys=True, separators=(",", ":")),
        "id": step["id"],
        "object": step.get("object", "thread.run.step"),
        "status": step.get("status"),
        "type": step.get("type"),
    }


def file_ids(steps: Iterable[Mapping[str, Any]], messages: Iterable[Mapping[str, Any]]) -> list[str]:
    """Files the run used or produced: code-interpreter outputs, file-search results, and the
    attachments, annotations and image contents of its messages."""
    found: set[str] = set()
    for step in steps:
        details = step.get("step_details") or {}
        for call in details.get("tool_calls") or []:
            for output in (call.get("code_interpreter") or {}).get("outputs") or []:
                _add(found, (output.get("image") or {}).get("file_id"))
            for result in (call.get("file_search") or {}).get("results") or []:
                _add(found, result.get("file_id"))
    for message in messages:
        for attachment in message.get("attachments") or []:
            _add(found, attachment.get("file_id"))
        for content in message.get("content") or []:
            _add(found, (content.get("image_file") or {}).get("file_id"))
            for annotation in (content.get("text") or {}).get("annotations") or []:
                _add(found, (annotation.get("file_citation") or {}).get("file_id"))
                _add(found, (annotation.get("file_path") or {}).get("file_id"))
    return sorted(found)


def reply_text(messages: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for message in messages:
        if message.get("role", "assistant") != "assistant":
            continue
        texts = [
            (content.get("text") or {}).get("value", "")
            for content in message.get("content") or []
            if content.get("type") == "text"
        ]
        parts.append("\n".join(t for t in texts if t))
    return "\n\n".join(p for p in parts if p)


def server_values(run: Mapping[str, Any]) -> dict[str, Any]:
    """The Run's inputs as the server holds them: the assistant, the thread and the user's metadata."""
    inputs: dict[str, Any] = {"assistant_id": run["assistant_id"], "thread_id": run["thread_id"]}
    inputs["metadata"] = user_metadata(run.get("metadata"))  # empty too: metadata cleared outside Pulumi is drift
    return inputs


def _add(found: set[str], file_id: Any) -> None:
    if isinstance(file_id, str) and file_id:
        found.add(file_id)

