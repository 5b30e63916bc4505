"""The ``Assistant`` resource's fields: every input is changed in place with the modify-assistant call.

The single source for ``AssistantProvider.check`` and ``diff``, the mapping to the API and the README's
table. ``default`` is what the API holds when an input is absent: removing an input sends it.
"""

from __future__ import annotations

from pulumi_openai_run._core.tools import normalize_tools, validate_tools
from pulumi_openai_run._objects.values import (
    normalize_tool_resources,
    validate_response_format,
    validate_tool_resources,
)
from pulumi_openai_run.schema import Field, a_number, a_string, as_float, metadata_field

ASSISTANT_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "model",
        "ID of the model the assistant uses, e.g. gpt-4o.",
        required=True,
        on_change="update",
        validate=a_string(256),
    ),
    Field(
        "name",
        "The assistant's name, at most 256 characters.",
        on_change="update",
        validate=a_string(256, allow_empty=True),
    ),
    Field(
        "description",
        "What the assistant is for, at most 512 characters.",
        on_change="update",
        validate=a_string(512, allow_empty=True),
    ),
    Field(
        "instructions",
        "The system instructions the assistant follows, at most 256,000 characters.",
        on_change="update",
        validate=a_string(256_000, allow_empty=True),
    ),
    Field(
        "tools",
        "The assistant's tools, at most 128: API tool objects or flat maps of strings, as for the Run's "
        "tools (code_interpreter, file_search, function).",
        on_change="update",
        type_name="List of Map",
        validate=validate_tools,
        normalize=normalize_tools,
        default=[],
    ),
    Field(
        "tool_resources",
        "Files for its tools: {code_interpreter: {file_ids: [up to 20]}, file_search: "
        "{vector_store_ids: [at most 1]}}.",
        on_change="update",
        type_name="Map",
        validate=validate_tool_resources,
        normalize=normalize_tool_resources,
        default={},
    ),
    metadata_field(
        "Metadata to attach to the assistant (at most 16 keys of 64 characters, values of 512).",
    ),
    Field(
        "temperature",
        "The sampling temperature, 0 to 2. Absent: the API's default, 1.",
        on_change="update",
        type_name="Number",
        validate=a_number(0, 2),
        normalize=as_float,
        default=1.0,
    ),
    Field(
        "top_p",
        "Nucleus sampling, 0 to 1. Absent: the API's default, 1.",
        on_change="update",
        type_name="Number",
        validate=a_number(0, 1),
        normalize=as_float,
        default=1.0,
    ),
    Field(
        "response_format",
        "'auto' (the default), or {type: text | json_object | json_schema, json_schema: {name, schema, "
        "strict}}.",
        on_change="update",
        type_name="String or Map",
        validate=validate_response_format,
        default="auto",
    ),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type, always 'assistant'.", output=True),
    Field("created_at", "Unix time (seconds) the assistant was created.", output=True, type_name="Number"),
)
