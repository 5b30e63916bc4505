"""The ``Run`` resource's fields: the Terraform ``openai_run`` schema, plus what users need beyond it.

This table is the single source for ``RunProvider.check`` and ``diff``, for the README's table and the
resource's docstrings. What ``completion_window`` and ``stream_for_tool`` mean is decided here, once
(:class:`Waiting`), and every layer uses that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from pulumi_openai_run._apis import api_field
from pulumi_openai_run._core.tools import normalize_tools, validate_tools
from pulumi_openai_run._core.waiting import BUSY_THREAD_CEILING
from pulumi_openai_run._runs.user_input import validate_input
from pulumi_openai_run.schema import (
    Failure,
    Field,
    a_bool,
    a_number,
    a_string,
    an_id,
    as_float,
    as_int,
    check_declares_inputs,
    is_unknown,
    metadata_field,
)

COMPLETION_WINDOW_MAX = 86_400.0
"""A day: longer than any run the API keeps alive (runs expire after 10 minutes)."""

MAX_TOKENS_MAX = 2**31 - 1
"""The largest max_tokens check lets through. The API states no maximum for max_completion_tokens or
max_output_tokens (each model's output limit applies, and the API checks that); this is the largest 32-bit
integer, far above any model's, so a number no API takes (``1e308``, a 309-digit integer) fails check."""



RUN_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "assistant_id",
        "The ID of the assistant to use for the run (asst_...); on the Responses API, of the agent (an "
        "Assistant there) whose model, instructions, tools, reasoning and text the response uses. Required on "
        "the Assistants API; on the Responses API it may be left out when model is given, the one departure "
        "from the Terraform seed (where it is required): OpenAI no longer keeps an assistant the Responses "
        "API reads. Stored prompts (pmpt_...) were shut down on 2026-11-30 and are refused.",
        validate=an_id("asst_"),
    ),
    Field(
        "thread_id",
        "The ID of the thread to run the assistant on (thread_...); on the Responses API, of the "
        "conversation (conv_...).",
        required=True,
        validate=an_id("thread_"),
    ),
    api_field("run"),
    Field(
        "completion_window",
        "Seconds to wait for the run to reach a terminal status. Absent or 0: create the run and "
        "return at once (status queued or in_progress). Changing it never re-runs.",
        on_change="local",
        type_name="Number",
        validate=a_number(0, COMPLETION_WINDOW_MAX),
        normalize=as_float,
    ),
    Field(
        "input",
        "The user message the run answers: its text, or a list of content parts (on the Responses API "
        "input_text, input_image, input_file; on the Assistants API text, image_file, image_url, as for a "
        "Message). Sent with the run (the response's input; the run's additional_messages), so no separate "
        "Message is needed. Absent: the thread's (conversation's) messages are the context.",
        type_name="String or List of Map",
        validate=validate_input,
    ),
    Field(
        "instructions",
        "Override the default instructions of the assistant (on the Responses API, the agent's) for the run.",
        validate=a_string(256_000, allow_empty=True),
    ),
    Field(
        "max_tokens",
        "The maximum number of completion tokens the run may use (the API's max_completion_tokens; on the "
        "Responses API max_output_tokens, at least 16). Absent: no limit is sent.",
        type_name="Number",
        validate=a_number(1, MAX_TOKENS_MAX, integer=True),
        normalize=as_int,
    ),
    metadata_field(
        "Metadata to associate with the run (at most 16 keys of 64 characters, values of 512). "
        "Updated in place; on the Responses API a response is immutable, so a change makes a new one.",
    ),
    Field(
        "model",
        "The model to use for the run. If not provided, the assistant's model is used (on the Responses "
        "API, the agent's; without an assistant_id there, model is required).",
        validate=a_string(256),
    ),
    Field(
        "stream_for_tool",
        "Follow the run over the API's server-sent event stream instead of polling while pulumi up waits "
        "for it, so it needs a completion_window; the outcome and outputs are the same (on the Responses "
        "API a dropped stream is resumed, and a server that will not stream is polled). Changing it never "
        "re-runs.",
        on_change="local",
        type_name="Boolean",
        validate=a_bool,
    ),
    Field(
        "temperature",
        "The sampling temperature, 0 to 2. Higher is more random.",
        type_name="Number",
        validate=a_number(0, 2),
        normalize=as_float,
    ),
    Field(
        "tools",
        "Override the tools of the assistant (on the Responses API, the agent's) for the run: API tool "
        "objects or flat maps of strings (type, name, description, parameters as a JSON string). On the "
        "Responses API, file_search needs vector store ids, which a Run cannot name.",
        type_name="List of Map",
        validate=validate_tools,
        normalize=normalize_tools,
    ),
    Field(
        "top_p",
        "Nucleus sampling, 0 to 1. Defaults to 1.",
        type_name="Number",
        validate=a_number(0, 1),
        normalize=as_float,
    ),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type: 'thread.run', or 'response' on the Responses API.", output=True),
    Field(
        "status",
        "The run's status: queued, in_progress, requires_action, cancelling, cancelled, failed, "
        "completed, incomplete or expired (a response: queued, in_progress, completed, failed, cancelled "
        "or incomplete).",
        output=True,
    ),
    Field("created_at", "Unix time (seconds) the run was created.", output=True, type_name="Number"),
    Field("started_at", "Unix time the run started, or null (always null for a response, which does not "
          "say).", output=True, type_name="Number"),
    Field("completed_at", "Unix time the run completed, or null.", output=True, type_name="Number"),
    Field(
        "usage",
        "Token usage: prompt_tokens, completion_tokens, total_tokens (a response also gives input_tokens "
        "and output_tokens); empty until the run ends.",
        output=True,
        type_name="Map of Number",
    ),
    Field(
        "steps",
        "Every step of the run, oldest first: {created_at, details (JSON of step_details), id, "
        "object, status, type}. A response's steps are its output items (details: the item's JSON; "
        "created_at null).",
        output=True,
        type_name="List of Object",
    ),
    Field(
        "file_ids",
        "IDs of the files the run used or produced (code-interpreter outputs, file-search results, "
        "message attachments and annotations, container file citations); sorted, unique.",
        output=True,
        type_name="List of String",
    ),
    Field("reply", "The text of the messages this run created, joined by blank lines (a response: its "
          "output_text).", output=True),
    Field("message_ids", "The IDs of the messages this run created, oldest first (a response: its output "
          "message items, which are also the conversation's items).", output=True,
          type_name="List of String"),
    Field("last_error", "The run's last error {code, message}, or null.", output=True,
          type_name="Map of String"),
    Field("incomplete_details", "Why the run is incomplete {reason}, or null.", output=True,
          type_name="Map of String"),
    Field("required_action", "What the run was waiting for when it required action, or null.",
          output=True, type_name="Object"),
)


class RunInputs(TypedDict, total=False):
    """A Run's inputs as the provider holds them (absent ones left out)."""

    assistant_id: str
    thread_id: str
    api: str
    completion_window: float
    input: str | Sequence[Mapping[str, Any]]
    instructions: str
    max_tokens: int
    metadata: Mapping[str, str]
    model: str
    stream_for_tool: bool
    temperature: float
    tools: Sequence[Mapping[str, Any]]
    top_p: float


check_declares_inputs(RunInputs, RUN_FIELDS)


@dataclass(frozen=True)
class Waiting:
    """What ``completion_window`` and ``stream_for_tool`` mean for a create; the only place that says."""

    window: float | None
    """Seconds to wait for a terminal status; ``None`` (the input absent or 0): return once the run exists."""
    follow_stream: bool
    """Follow the run over the event stream instead of polling; only while waiting."""

    @property
    def create_budget(self) -> float:
        """Seconds the create itself may take (a busy thread waited out, retries): the window, or without
        one the time a thread can be busy at most."""
        return self.window if self.window is not None else BUSY_THREAD_CEILING

    @staticmethod
    def problems(inputs: Mapping[str, Any]) -> list[Failure]:
        """What check refuses in how a run is waited for: ``stream_for_tool`` follows the run while
        ``pulumi up`` waits for it, so without a ``completion_window`` it would silently do nothing."""
        stream, window = inputs.get("stream_for_tool"), inputs.get("completion_window")
        if stream is not True or is_unknown(window) or (window is not None and window != 0):
            return []
        return [Failure("stream_for_tool", (
            "'stream_for_tool' follows the run's event stream while pulumi up waits for the run, but no "
            "completion_window (the seconds to wait) says to wait, so it would do nothing: set "
            "completion_window, or drop stream_for_tool."
        ))]

    @classmethod
    def of(cls, inputs: RunInputs) -> Waiting:
        window = inputs.get("completion_window")
        seconds = float(window) if window else None
        return cls(window=seconds, follow_stream=bool(inputs.get("stream_for_tool")) and seconds is not None)
