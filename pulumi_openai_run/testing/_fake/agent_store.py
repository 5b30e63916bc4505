"""The fake's Agents API model (``/agents``, beta ``OpenAI-Beta: agents=v1``): reusable agent objects.

An agent holds the configuration a response can use (``model``, ``instructions``, ``tools``, ``reasoning``,
``text``), with the API's defaults filled in and each tool in its persisted form, as the service answers
it. Pure of I/O; every public method takes the clock's lock and returns deep copies.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping
from typing import Any

from .assistants_json import ts
from .clock import Clock
from .errors import ApiError
from .listing import PageParams, paginate

DEFAULT_MODEL = "gpt-6-astra"
"""The model the facade's ``create_agent`` uses when none is given (a current one)."""


def new_agent_id() -> str:
    """Agent ids have no documented prefix; the fake's look like ``agent_`` and 32 hex digits. Nothing may
    rely on the prefix."""
    return f"agent_{secrets.token_hex(16)}"


def not_found(agent_id: str) -> ApiError:
    return ApiError(404, f"Agent with id '{agent_id}' not found.", code="not_found")


def _reasoning(value: Mapping[str, Any] | None) -> dict[str, Any]:
    value = value or {}
    return {"effort": value.get("effort"), "summary": value.get("summary")}


def _text(value: Mapping[str, Any] | None) -> dict[str, Any]:
    value = value or {}
    return {"format": copy.deepcopy(dict(value.get("format") or {"type": "text"})),
            "verbosity": value.get("verbosity") or "medium"}


def _transport(value: Mapping[str, Any]) -> dict[str, Any]:
    if value["type"] == "http":
        return {"type": "http", "server_url": value["server_url"], "headers": dict(value.get("headers") or {})}
    return {"type": "stdio", "command": value["command"], "cwd": value["cwd"],
            "args": list(value.get("args") or []), "env_vars": list(value.get("env_vars") or [])}


def persisted_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """A (validated) tool as the agent object answers it: every field, defaults filled in."""
    kind = tool["type"]
    if kind == "function":
        persisted = {"type": "function", "name": tool["name"], "description": tool["description"],
                     "parameters": copy.deepcopy(tool["parameters"]), "defer_loading": bool(tool.get("defer_loading"))}
        if tool.get("async") is not None:
            persisted["async"] = tool["async"]
        return persisted
    if kind == "programmatic_tool_calling":
        return {"type": kind, "enabled": tool.get("enabled", True)}
    if kind == "mcp":
        return {"type": "mcp", "server_label": tool["server_label"], "transport": _transport(tool["transport"]),
                "allowed_tools": tool.get("allowed_tools"), "connection_origin": tool.get("connection_origin")
                or "service", "credential_id": tool.get("credential_id"),
                "request_metadata": dict(tool.get("request_metadata") or {}), "required": bool(tool.get("required"))}
    if kind == "web_search":
        return {"type": "web_search", "allowed_domains": tool.get("allowed_domains"),
                "context_size": tool.get("context_size") or "medium", "location": tool.get("location"),
                "mode": tool.get("mode") or "live"}
    if kind == "computer_use":
        return {"type": kind, "include_screenshots": tool.get("include_screenshots", True)}
    return {"type": kind}  # tool_search, automations


def agent_object(agent_id: str, now: float, fields: Mapping[str, Any]) -> dict[str, Any]:
    compaction = fields.get("compaction") or {}
    experimental = fields.get("experimental") or {}
    multi_agent = fields.get("multi_agent") or {}
    enabled = bool(multi_agent.get("enabled"))
    return {
        "id": agent_id,
        "object": "agent",
        "created_at": ts(now),
        "updated_at": ts(now),
        "model": fields["model"],
        "name": fields.get("name"),
        "instructions": fields.get("instructions"),
        "metadata": dict(fields.get("metadata") or {}),
        "tools": [persisted_tool(tool) for tool in fields.get("tools") or []],
        "reasoning": _reasoning(fields.get("reasoning")),
        "text": _text(fields.get("text")),
        "multi_agent": {"enabled": enabled,
                        "max_concurrent_subagents": (multi_agent.get("max_concurrent_subagents") or 6) if enabled
                        else None},
        "service_tier": fields.get("service_tier") or "auto",
        "compaction": {"async": bool(compaction.get("async"))},
        "experimental": {"time_awareness": bool(experimental.get("time_awareness"))},
    }


class AgentStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.lock = clock.condition
        self._agents: dict[str, dict[str, Any]] = {}

    def create(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            agent = agent_object(new_agent_id(), self.clock.now(), fields)
            self._agents[agent["id"]] = agent
            return copy.deepcopy(agent)

    def get(self, agent_id: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self._agent(agent_id))

    def update(self, agent_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Each field given replaces the agent's (``metadata`` the whole map; null clears or resets it)."""
        with self.lock:
            agent = self._agent(agent_id)
            merged: dict[str, Any] = {name: agent[name] for name in (
                "model", "name", "instructions", "metadata", "tools", "reasoning", "text", "service_tier",
                "compaction", "multi_agent")}
            merged["experimental"] = {**agent["experimental"], **(fields.get("experimental") or {})}
            for name, value in fields.items():
                if name != "experimental":
                    merged[name] = value
            updated = agent_object(agent_id, self.clock.now(), merged)
            updated["created_at"] = agent["created_at"]
            self._agents[agent_id] = updated
            return copy.deepcopy(updated)

    def delete(self, agent_id: str) -> dict[str, Any]:
        with self.lock:
            self._agent(agent_id)
            del self._agents[agent_id]
            return {"id": agent_id, "object": "agent.deleted", "deleted": True}

    def page(self, params: PageParams) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(paginate(list(self._agents.values()), params))

    def all(self) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(list(self._agents.values()))

    def _agent(self, agent_id: str) -> dict[str, Any]:
        try:
            return self._agents[agent_id]
        except KeyError:
            raise not_found(agent_id) from None
