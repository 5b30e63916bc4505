"""The ``Assistant`` resource's provider side: its fields, its values, its mapping to the API and its provider.

Every input changes in place with the modify-assistant call (``POST /assistants/{id}``). ``default`` is what
the API holds when an input is absent: removing an input sends it. This table is the single source for check,
diff, the README's table and the resource's docstrings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from pulumi_openai_run._apis import api_field
from pulumi_openai_run._core.json import plain
from pulumi_openai_run._core.tools import (
    normalize_tool_resources,
    normalize_tools,
    tool_resources_to_api,
    validate_tool_resources,
    validate_tools,
)
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind, common_outputs
from pulumi_openai_run._objects.provider import ApiObjectProvider
from pulumi_openai_run.schema import (
    Field,
    a_number,
    a_string,
    as_float,
    check_declares_inputs,
    extra_keys,
    metadata_field,
    user_metadata,
)

RESPONSE_FORMATS = ("text", "json_object", "json_schema")

_SCHEMA_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


# --- values ------------------------------------------------------------------------------------------


def validate_response_format(value: Any) -> str | None:
    """``"auto"``, or ``{type: text | json_object | json_schema, json_schema: {name, schema, ...}}``."""
    if value == "auto":
        return None
    allowed = f"'auto' or a map {{type: {' | '.join(RESPONSE_FORMATS)}}}"
    if not isinstance(value, Mapping):
        return f"must be {allowed}, got {value!r}."
    kind = value.get("type")
    if kind not in RESPONSE_FORMATS:
        return f"has type {kind!r}; it must be {allowed}."
    problem = extra_keys(value, ("type", "json_schema") if kind == "json_schema" else ("type",))
    if problem:
        return problem
    if kind == "json_schema":
        schema = value.get("json_schema")
        if not isinstance(schema, Mapping) or not isinstance(schema.get("name"), str) or not schema["name"]:
            return "of type json_schema needs a 'json_schema' map with a 'name' (and a 'schema')."
        if not _SCHEMA_NAME.fullmatch(schema["name"]):
            return (f"json_schema.name must be 1 to 64 letters, digits, '_' or '-', got {schema['name']!r}.")
    return None


# --- fields ------------------------------------------------------------------------------------------

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
    api_field("assistant"),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type, always 'assistant'.", output=True),
    Field("created_at", "Unix time (seconds) the assistant was created.", output=True, type_name="Number"),
)


class AssistantInputs(TypedDict, total=False):
    """A Assistant's inputs as the provider holds them (absent ones left out)."""

    model: str
    name: str
    description: str
    instructions: str
    tools: Sequence[Mapping[str, Any]]
    tool_resources: Mapping[str, Any]
    metadata: Mapping[str, str]
    temperature: float
    top_p: float
    response_format: str | Mapping[str, Any]
    api: str


check_declares_inputs(AssistantInputs, ASSISTANT_FIELDS)


# --- mapping and provider ----------------------------------------------------------------------------

_ASSISTANT_INPUTS = ("model", "name", "description", "instructions", "tools", "tool_resources", "temperature",
                     "top_p", "response_format")

def assistant_values(api_object: ApiObject) -> dict[str, Any]:
    values = {name: plain(api_object.get(name)) for name in _ASSISTANT_INPUTS}
    values["metadata"] = user_metadata(api_object.get("metadata"))
    values["tool_resources"] = normalize_tool_resources(values["tool_resources"])
    return values

ASSISTANT = ObjectKind(
    noun="assistant",
    resource="Assistant",
    fields=ASSISTANT_FIELDS,
    id_prefix="asst_",
    collection=lambda client: client.beta.assistants,
    outputs=lambda api_object: common_outputs(api_object, "assistant"),
    server_values=assistant_values,
    to_api={"tools": normalize_tools, "temperature": float, "top_p": float, "metadata": dict,
            "tool_resources": tool_resources_to_api},
    import_hint="Assistant.get(name, 'asst_...')",
)


class AssistantProvider(ApiObjectProvider):
    """Creates, modifies in place, refreshes and deletes OpenAI assistants."""

    KINDS = {"assistants": ASSISTANT}
    API_PROBES = (("id", "assistant_prefix"),)
    FIELDS = ASSISTANT_FIELDS
