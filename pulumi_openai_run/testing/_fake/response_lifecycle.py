"""One response's lifecycle on the fake clock (Responses API), and the JSON objects it produces.

The same :class:`~.script.RunScript` that drives a run drives a response: queued for ``queued_for``
(background responses), in progress for ``duration`` while its output items appear one after
another, then its outcome. Outcomes map onto the Responses API like this:

* ``completed``: status ``completed`` with a ``message`` item holding the reply;
* ``incomplete``: status ``incomplete`` (``max_output_tokens``), the message ``incomplete``;
* ``failed``: status ``failed`` with ``error``; ``expired`` (a run's fate; responses do not expire)
  fails the same way;
* ``requires_action``: status ``completed`` with a ``function_call`` item that nobody answers.

Tool items come first, as run steps do: a ``code_interpreter_call`` when ``code_interpreter_files``
(its files are cited in the reply as ``container_file_citation``), a ``file_search_call`` with
``file_search_files``, and ``extra_steps`` filler ``code_interpreter_call`` items. ``message_file_ids``
become ``file_citation`` annotations. Output items carry no ``created_at`` (the API gives none).

Pure of I/O and of threads, like :mod:`.run_lifecycle`: the owner calls :meth:`ResponseLifecycle.settle`
under its lock. Each transition appends the stream events it causes to ``events``.
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Callable, Collection, Mapping
from functools import partial
from typing import Any

from .assistants_json import ts
from .errors import bad_request
from .script import RunScript
from .timeline import LiveObject, Timeline, Work, planned_work

ACTIVE = frozenset({"queued", "in_progress"})
TERMINAL = frozenset({"completed", "incomplete", "failed", "cancelled"})
INCLUDABLE = frozenset({
    "file_search_call.results",
    "code_interpreter_call.outputs",
    "web_search_call.action.sources",
    "web_search_call.results",
    "computer_call_output.output.image_url",
    "message.input_image.image_url",
    "message.output_text.logprobs",
    "reasoning.encrypted_content",
})

Event = tuple[str, dict[str, Any]]


def new_id(prefix: str) -> str:
    """An id in the Responses API's style: a prefix and 48 hex digits (``resp_68b1...``)."""
    return f"{prefix}_{secrets.token_hex(24)}"


# --- objects -------------------------------------------------------------------------------------


def prompt_object(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A stored prompt (made in the dashboard; the fake seeds them): what a response inherits."""
    return {
        "id": new_id("pmpt"),
        "version": str(fields.get("version") or "1"),
        "model": fields.get("model") or "gpt-6-astra",
        "instructions": fields.get("instructions"),
        "tools": list(fields.get("tools") or []),
        "temperature": fields.get("temperature"),
        "top_p": fields.get("top_p"),
    }


def conversation_object(created_at: float, metadata: Mapping[str, str] | None) -> dict[str, Any]:
    return {"id": new_id("conv"), "object": "conversation", "created_at": ts(created_at),
            "metadata": dict(metadata or {})}


def message_item(role: str, content: Any, status: str = "completed") -> dict[str, Any]:
    """A conversation message item from request content (a string or content parts)."""
    kind = "output_text" if role == "assistant" else "input_text"
    parts: list[dict[str, Any]] = (
        [{"type": kind, "text": content}] if isinstance(content, str) else [dict(part) for part in content]
    )
    for part in parts:
        if part.get("type") == "output_text":
            part.setdefault("annotations", [])  # the service answers every output text with its annotations
        elif part.get("type") == "input_image":
            part.setdefault("detail", "auto")  # and every input image with its detail
    return {"id": new_id("msg"), "type": "message", "role": role, "status": status, "content": parts}


def input_items(value: Any) -> list[dict[str, Any]]:
    """Conversation items for a request's ``input`` or ``items`` (a string, or input items)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [message_item("user", value)]
    items: list[dict[str, Any]] = []
    for item in value:
        if item.get("type", "message") == "message":
            items.append(message_item(str(item.get("role", "user")), item.get("content", "")))
        else:
            items.append({"id": item.get("id") or new_id("item"), **item})
    return items


def response_object(created_at: float, body: Mapping[str, Any], prompt: Mapping[str, Any] | None,
                    conversation_id: str | None) -> dict[str, Any]:
    """A new response: request fields win, the stored prompt supplies the rest."""

    def pick(name: str, default: Any) -> Any:
        value = body.get(name)
        if value is None and prompt is not None:
            value = prompt.get(name)
        return default if value is None else value

    background = bool(body.get("background"))
    reasoning, text = body.get("reasoning") or {}, body.get("text") or {}
    prompt_ref = None
    if prompt is not None:
        given = body.get("prompt") or {}
        prompt_ref = {"id": prompt["id"], "variables": given.get("variables"),
                      "version": given.get("version") or prompt["version"]}
    return {
        "id": new_id("resp"),
        "object": "response",
        "created_at": ts(created_at),
        "status": "queued" if background else "in_progress",
        "background": background,
        "completed_at": None,
        "conversation": {"id": conversation_id} if conversation_id else None,
        "error": None,
        "incomplete_details": None,
        "instructions": pick("instructions", None),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "metadata": dict(body.get("metadata") or {}),
        "model": pick("model", "gpt-6-astra"),
        "output": [],
        "parallel_tool_calls": body.get("parallel_tool_calls") is not False,
        "previous_response_id": body.get("previous_response_id"),
        "prompt": prompt_ref,
        "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
        "service_tier": "default",
        "store": body.get("store") is not False,
        "temperature": pick("temperature", 1.0),
        "text": {"format": copy.deepcopy(text.get("format") or {"type": "text"}),
                 "verbosity": text.get("verbosity") or "medium"},
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": copy.deepcopy(list(pick("tools", []))),
        "top_p": pick("top_p", 1.0),
        "truncation": body.get("truncation") or "disabled",
        "usage": None,
        "user": None,
    }


def usage_object(usage: Mapping[str, int]) -> dict[str, Any]:
    return {
        "input_tokens": int(usage.get("prompt_tokens", 0)),
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": int(usage.get("completion_tokens", 0)),
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": int(usage.get("total_tokens", 0)),
    }


def public_item(item: Mapping[str, Any], include: Collection[str]) -> dict[str, Any]:
    """An output item as the API shows it: file search results and code interpreter outputs only
    when ``include`` asks for them."""
    view = copy.deepcopy(dict(item))
    if view.get("type") == "file_search_call" and "file_search_call.results" not in include:
        view["results"] = None
    if view.get("type") == "code_interpreter_call" and "code_interpreter_call.outputs" not in include:
        view["outputs"] = None
    return view


def public_response(response: Mapping[str, Any], include: Collection[str]) -> dict[str, Any]:
    view = copy.deepcopy(dict(response))
    view["output"] = [public_item(item, include) for item in response.get("output") or []]
    return view


# --- the lifecycle -------------------------------------------------------------------------------


class ResponseLifecycle(LiveObject):
    """A response and its output items, driven by a :class:`RunScript`.

    ``on_finish(response)`` is called when it completes or ends incomplete (the owner adds its items
    to the conversation then, as the API does).
    """

    ACTIVE = ACTIVE

    def __init__(self, data: dict[str, Any], script: RunScript, now: float, include: Collection[str],
                 new_items: list[dict[str, Any]], on_finish: Callable[[ResponseLifecycle], None]) -> None:
        self.data = data
        self.script = script
        self.include = frozenset(include)
        self.new_items = new_items
        """The request's input items, added to the conversation with the output when it finishes."""
        self.events: list[Event] = []
        self._on_finish = on_finish
        self._timeline = Timeline()
        self._open: list[int] = []
        self._container_id = new_id("cntr")
        self._container_files = [(new_id("cfile"), f"plot_{i}.png") for i in range(script.code_interpreter_files)]
        self._emit("response.created", response=self.data)
        if self.status == "queued":
            self._emit("response.queued", response=self.data)
        self._schedule(now)

    @property
    def conversation_id(self) -> str | None:
        conversation = self.data.get("conversation") or {}
        return conversation.get("id")

    def next_time(self) -> float | None:
        """When the next scheduled transition is due, or None when nothing is scheduled."""
        return self._timeline.next_time()

    def settle(self, now: float) -> bool:
        """Apply every transition due by ``now``; True when anything changed."""
        return self._timeline.settle(now)

    def cancel(self, now: float) -> None:
        if not self.data["background"]:
            raise bad_request("Only responses created with background=true can be cancelled.")
        if self.status == "cancelled":
            return  # cancelling twice answers the cancelled response
        if not self.active:
            raise bad_request(f"Cannot cancel a response with status '{self.status}'.")
        self._timeline.clear()
        self._close_open("incomplete")
        self.data["status"] = "cancelled"

    # -- scheduling -----------------------------------------------------------------------------

    def _schedule(self, now: float) -> None:
        queued = self.script.queued_for if self.status == "queued" else 0.0
        began, duration = now + queued, self.script.duration
        ended = began + duration
        self._timeline.at(began, self._start)
        plan = planned_work(self.script)
        failing = self.script.outcome in ("failed", "expired")
        for k, item in enumerate(plan):
            self._timeline.at(began + duration * k / len(plan), partial(self._begin, item))
            last = k == len(plan) - 1
            if not (last and failing):  # a failing response's last item is cut short by the failure
                self._timeline.at(ended if last else began + duration * (k + 1) / len(plan), self._end)
        self._timeline.at(ended, self._finish)

    # -- transitions ----------------------------------------------------------------------------

    def _start(self, when: float) -> None:
        if self.status == "queued":
            self.data["status"] = "in_progress"
            self._emit("response.in_progress", response=self.data)

    def _begin(self, plan: Work, when: float) -> None:
        item = self._item(plan)
        output = self.data["output"]
        output.append(item)
        self._open.append(len(output) - 1)
        self._emit("response.output_item.added", output_index=len(output) - 1, item=item)

    def _item(self, plan: Work) -> dict[str, Any]:
        if plan.kind == "code_interpreter":
            names = ", ".join(name for _, name in self._container_files)
            return self._code_call("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])", f"Saved {names}\n")
        if plan.kind == "extra":
            return self._code_call(f"print({plan.index})", f"{plan.index}\n")
        if plan.kind == "file_search":
            results = [
                {"file_id": file_id, "filename": f"{file_id}.txt", "score": round(0.9 - i / 100, 4),
                 "text": f"Contents of {file_id}.", "attributes": {}}
                for i, file_id in enumerate(self.script.file_search_files)
            ]
            return {"id": new_id("fs"), "type": "file_search_call", "status": "in_progress",
                    "queries": ["What do the files say?"], "results": results}
        if plan.kind == "function":
            return {"id": new_id("fc"), "type": "function_call", "status": "in_progress",
                    "call_id": new_id("call"), "name": self.script.function_name,
                    "arguments": json.dumps({"location": "San Francisco"})}
        return {"id": new_id("msg"), "type": "message", "role": "assistant", "status": "in_progress", "content": []}

    def _code_call(self, code: str, logs: str) -> dict[str, Any]:
        return {"id": new_id("ci"), "type": "code_interpreter_call", "status": "in_progress", "code": code,
                "container_id": self._container_id, "outputs": [{"type": "logs", "logs": logs}]}

    def _end(self, when: float) -> None:
        index = self._open.pop(0)
        item = self.data["output"][index]
        if item["type"] == "message":
            text, annotations = self._reply()
            item["content"] = [{"type": "output_text", "text": text, "annotations": annotations, "logprobs": []}]
            item["status"] = "incomplete" if self.script.outcome == "incomplete" else "completed"
            self._emit("response.output_text.delta", item_id=item["id"], output_index=index, content_index=0,
                       delta=text, logprobs=[])
            self._emit("response.output_text.done", item_id=item["id"], output_index=index, content_index=0,
                       text=text, logprobs=[])
        else:
            item["status"] = "completed"
        self._emit("response.output_item.done", output_index=index, item=item)

    def _reply(self) -> tuple[str, list[dict[str, Any]]]:
        """The reply text with its file citations: each cited file and each container file adds a
        marker to the text (``【...】``) that its annotation points at."""
        text = self.script.reply
        annotations: list[dict[str, Any]] = []
        for file_id in self.script.message_file_ids:
            annotations.append({"type": "file_citation", "file_id": file_id, "filename": f"{file_id}.txt",
                                "index": len(text)})
            text += f"【{file_id}】"
        for file_id, name in self._container_files:
            marker = f"【{name}】"
            annotations.append({"type": "container_file_citation", "container_id": self._container_id,
                                "file_id": file_id, "filename": name, "start_index": len(text),
                                "end_index": len(text) + len(marker)})
            text += marker
        return text, annotations

    def _close_open(self, status: str) -> None:
        for index in self._open:
            self.data["output"][index]["status"] = status
        self._open.clear()

    def _finish(self, when: float) -> None:
        outcome = self.script.outcome
        self.data["usage"] = usage_object(self.script.usage)
        if outcome in ("completed", "requires_action"):
            self.data["status"] = "completed"
            self.data["completed_at"] = ts(when)
            self._emit("response.completed", response=self.data)
            self._on_finish(self)
        elif outcome == "incomplete":
            self.data["status"] = "incomplete"
            self.data["incomplete_details"] = {"reason": "max_output_tokens"}
            self._emit("response.incomplete", response=self.data)
            self._on_finish(self)
        else:
            self._close_open("incomplete")
            error = self.script.error()
            self.data["status"] = "failed"
            self.data["error"] = {"code": error.get("code") or "server_error", "message": error.get("message", "")}
            self._emit("response.failed", response=self.data)

    def _emit(self, kind: str, **fields: Any) -> None:
        data: dict[str, Any] = {"type": kind, "sequence_number": len(self.events)}
        for name, value in fields.items():
            if name == "response":
                value = public_response(value, self.include)
            elif name == "item":
                value = public_item(value, self.include)
            data[name] = value
        self.events.append((kind, data))
