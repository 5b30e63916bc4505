"""The fake's Responses + Conversations model: stored prompts, conversations and their items, responses.

Shares the clock, its lock and the queue of :class:`~.script.RunScript` with the Assistants model
(:class:`~.state.FakeState` owns one :class:`ConversationStore`). Pure of I/O; every public method
takes the lock, first applies what the response lifecycles have due, and returns deep copies.

The rules it keeps, as the service does:

* a conversation runs one response at a time: a response (or new items) on a conversation whose
  response is queued or in progress is a 400 ``conversation_locked``;
* a response's input and output items join its conversation when it completes (or ends incomplete);
* only background responses can be cancelled, and cancelling answers ``cancelled`` at once;
* a deleted response is gone (404); its items stay in the conversation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .errors import ApiError, bad_request
from .listing import PageParams, paginate
from .response_lifecycle import (
    ACTIVE,
    Event,
    ResponseLifecycle,
    conversation_object,
    input_items,
    prompt_object,
    public_item,
    public_response,
    response_object,
)
from .script import RunScript

PROMPTS_SHUT_DOWN_MESSAGE = (
    "Prompt objects were shut down on 2026-11-30: the 'prompt' parameter is no longer supported. Send the "
    "configuration inline ('model', 'instructions', 'tools'), or keep it in an agent (/v1/agents)."
)

MAX_ITEMS = 20
"""The most items a conversation create or an items create takes."""

LOCKED_MESSAGE = "Another process is currently operating on this conversation. Please retry in a few seconds."


def not_found(kind: str, object_id: str) -> ApiError:
    """404 as the Responses API words it: ``Response with id 'resp_x' not found.``"""
    return ApiError(404, f"{kind} with id '{object_id}' not found.")


def locked(conversation_id: str) -> ApiError:
    return ApiError(400, LOCKED_MESSAGE, param="conversation", code="conversation_locked")


@dataclass
class _Conversation:
    data: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)


class ConversationStore:
    def __init__(self, clock: Clock, take_script: Callable[[], RunScript]) -> None:
        self.clock = clock
        self.lock = clock.condition
        self._take_script = take_script
        self._prompts: dict[str, dict[str, Any]] = {}
        self._conversations: dict[str, _Conversation] = {}
        self._responses: dict[str, ResponseLifecycle] = {}
        self.sampling_refused_by: frozenset[str] = frozenset()
        """Models that refuse ``temperature`` and ``top_p`` (as current reasoning models do)."""
        self.stored_prompts: bool | None = None
        """Whether ``prompt`` is served from the seeded prompts (True), refused as shut down (False), or
        None: served once a prompt has been seeded (``create_prompt``), refused otherwise."""

    # -- time -----------------------------------------------------------------------------------

    def settle(self, now: float) -> bool:
        """Apply every due transition (the caller holds the lock and notifies); True if any."""
        changed = False
        for response in list(self._responses.values()):
            changed = response.settle(now) or changed
        return changed

    def _now(self) -> float:
        """Settle to now, waking streams if anything moved; the caller holds the lock."""
        now = self.clock.now()
        if self.settle(now):
            self.lock.notify_all()
        return now

    # -- prompts --------------------------------------------------------------------------------

    def create_prompt(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            prompt = prompt_object(fields)
            self._prompts[prompt["id"]] = prompt
            return copy.deepcopy(prompt)

    def _prompt(self, prompt_id: str) -> dict[str, Any]:
        try:
            return self._prompts[prompt_id]
        except KeyError:
            raise not_found("Prompt", prompt_id) from None

    # -- conversations --------------------------------------------------------------------------

    def create_conversation(self, items: Sequence[Mapping[str, Any]] | str | None,
                            metadata: Mapping[str, str] | None) -> dict[str, Any]:
        if not isinstance(items, str) and len(items or ()) > MAX_ITEMS:
            raise bad_request(f"Invalid 'items': array too long. Expected an array with maximum length {MAX_ITEMS}, "
                              f"but got an array with length {len(items or ())} instead.", "items",
                              "array_above_max_length")
        with self.lock:
            conversation = _Conversation(conversation_object(self._now(), metadata), input_items(items))
            self._conversations[conversation.data["id"]] = conversation
            return copy.deepcopy(conversation.data)

    def get_conversation(self, conversation_id: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self._conversation(conversation_id).data)

    def update_conversation(self, conversation_id: str, metadata: Mapping[str, str]) -> dict[str, Any]:
        with self.lock:
            conversation = self._conversation(conversation_id)
            conversation.data["metadata"] = dict(metadata)
            return copy.deepcopy(conversation.data)

    def delete_conversation(self, conversation_id: str) -> dict[str, Any]:
        with self.lock:
            self._conversation(conversation_id)
            del self._conversations[conversation_id]
            return {"id": conversation_id, "object": "conversation.deleted", "deleted": True}

    def add_items(self, conversation_id: str, items: Sequence[Mapping[str, Any]] | str,
                  include: Collection[str] = ()) -> dict[str, Any]:
        with self.lock:
            conversation = self._conversation(conversation_id)
            if self._active_on(conversation_id) is not None:
                raise locked(conversation_id)
            if not isinstance(items, str) and len(items) > MAX_ITEMS:
                raise bad_request(f"Invalid 'items': array too long. Expected an array with maximum length "
                                  f"{MAX_ITEMS}, but got an array with length {len(items)} instead.", "items",
                                  "array_above_max_length")
            added = input_items(items)
            conversation.items.extend(added)
            data = [public_item(item, include) for item in added]
            return {"object": "list", "data": data, "first_id": data[0]["id"] if data else None,
                    "last_id": data[-1]["id"] if data else None, "has_more": False}

    def list_items(self, conversation_id: str, params: PageParams, include: Collection[str] = ()) -> dict[str, Any]:
        with self.lock:
            items = [public_item(item, include) for item in self._conversation(conversation_id).items]
            return paginate(items, params)

    def get_item(self, conversation_id: str, item_id: str, include: Collection[str] = ()) -> dict[str, Any]:
        with self.lock:
            return public_item(self._item(conversation_id, item_id), include)

    def delete_item(self, conversation_id: str, item_id: str) -> dict[str, Any]:
        with self.lock:
            conversation = self._conversation(conversation_id)
            conversation.items.remove(self._item(conversation_id, item_id))
            return copy.deepcopy(conversation.data)

    def conversations(self) -> list[dict[str, Any]]:
        """Every conversation not deleted, oldest first (for inspection: the API has no list endpoint)."""
        with self.lock:
            return copy.deepcopy([conversation.data for conversation in self._conversations.values()])

    def items_of(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every item, oldest first, with everything included (for inspection)."""
        with self.lock:
            return copy.deepcopy(self._conversation(conversation_id).items)

    def _conversation(self, conversation_id: str) -> _Conversation:
        self._now()
        try:
            return self._conversations[conversation_id]
        except KeyError:
            raise not_found("Conversation", conversation_id) from None

    def _item(self, conversation_id: str, item_id: str) -> dict[str, Any]:
        for item in self._conversation(conversation_id).items:
            if item.get("id") == item_id:
                return item
        raise not_found("Item", item_id)

    # -- responses ------------------------------------------------------------------------------

    def create_response(self, body: Mapping[str, Any]) -> ResponseLifecycle:
        """Create a response (body already validated); the caller copies what it needs under the lock."""
        with self.lock:
            now = self._now()
            serve_prompts = self.stored_prompts if self.stored_prompts is not None else bool(self._prompts)
            if body.get("prompt") and not serve_prompts:
                raise bad_request(PROMPTS_SHUT_DOWN_MESSAGE, "prompt", "unsupported_parameter")
            prompt = self._prompt(str(body["prompt"]["id"])) if body.get("prompt") else None
            if prompt is None and not body.get("model"):
                raise bad_request("Missing required parameter: 'model'.", "model", "missing_required_parameter")
            model = body.get("model") or (prompt or {}).get("model")
            for name in ("temperature", "top_p"):
                if body.get(name) is not None and model in self.sampling_refused_by:
                    raise bad_request(f"Unsupported parameter: '{name}' is not supported with this model.", name,
                                      "unsupported_parameter")
            conversation = body.get("conversation")
            conversation_id = conversation.get("id") if isinstance(conversation, Mapping) else conversation
            if conversation_id is not None:
                if body.get("previous_response_id"):
                    raise bad_request("Mutually exclusive parameters: Ensure you are only providing one of: "
                                      "'previous_response_id' or 'conversation'.", "conversation")
                self._conversation(str(conversation_id))
                if self._active_on(str(conversation_id)) is not None:
                    raise locked(str(conversation_id))
            if body.get("background") and body.get("store") is False:
                raise bad_request("Background mode requires store=true.", "store", "invalid_value")
            data = response_object(now, body, prompt, conversation_id)
            response = ResponseLifecycle(data, self._take_script(), now, body.get("include") or (),
                                         input_items(body.get("input")), self._finished)
            self._responses[response.id] = response
            self.lock.notify_all()
            return response

    def _finished(self, response: ResponseLifecycle) -> None:
        conversation = self._conversations.get(response.conversation_id or "")
        if conversation is not None:
            conversation.items.extend(copy.deepcopy(response.new_items))
            conversation.items.extend(copy.deepcopy(response.data["output"]))

    def get_response(self, response_id: str, include: Collection[str] = ()) -> dict[str, Any]:
        with self.lock:
            return public_response(self.response(response_id).data, include)

    def public(self, response: ResponseLifecycle) -> dict[str, Any]:
        """The response as its create answers it (with what the create asked to include)."""
        with self.lock:
            self._now()
            return public_response(response.data, response.include)

    def cancel_response(self, response_id: str) -> dict[str, Any]:
        with self.lock:
            response = self.response(response_id)
            response.cancel(self.clock.now())
            self.lock.notify_all()
            return public_response(response.data, ())

    def delete_response(self, response_id: str) -> dict[str, Any]:
        with self.lock:
            response = self.response(response_id)
            if response.active and response.data["background"]:
                response.cancel(self.clock.now())
            del self._responses[response_id]
            self.lock.notify_all()
            return {"id": response_id, "object": "response", "deleted": True}

    def wait_until_done(self, response: ResponseLifecycle, closed: Callable[[], bool]) -> None:
        """Block (releasing the lock) until a foreground response ends, as its create does."""
        with self.lock:
            while response.active and response.id in self._responses and not closed():
                self.clock.wait(response.next_time())
                self._now()

    def response(self, response_id: str) -> ResponseLifecycle:
        with self.lock:
            self._now()
            try:
                return self._responses[response_id]
            except KeyError:
                raise not_found("Response", response_id) from None

    def has_response(self, response_id: str) -> bool:
        with self.lock:
            return response_id in self._responses

    def responses_on(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every response on the conversation, oldest first, with everything included."""
        with self.lock:
            self._now()
            return [copy.deepcopy(r.data) for r in self._responses.values() if r.conversation_id == conversation_id]

    def response_events(self, response_id: str, start: int) -> tuple[list[Event], float | None, bool]:
        """Stream events from index ``start``, when the next is due, and whether the stream is over
        (the response is gone, or it has ended and every event was sent)."""
        with self.lock:
            self._now()
            response = self._responses.get(response_id)
            if response is None:
                return [], None, True
            events = list(response.events[start:])
            return events, response.next_time(), not events and response.status not in ACTIVE

    def _active_on(self, conversation_id: str) -> ResponseLifecycle | None:
        return next((r for r in self._responses.values()
                     if r.conversation_id == conversation_id and r.active), None)
