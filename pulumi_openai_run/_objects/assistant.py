"""The ``Assistant`` resource's provider side: its fields, its values, its mapping to the API and its provider.

On the Assistants API an assistant (``/assistants``); on the Responses API an agent object (``/agents``, beta
``OpenAI-Beta: agents=v1``), the only API-managed, reusable assistant configuration OpenAI still has. Every
input changes in place with the API's modify call (``POST /assistants/{id}``, ``POST /agents/{id}``).
``default`` is what the API holds when an input is absent: removing an input sends it. This table is the
single source for check, diff, the README's table and the resource's docstrings; each API's kind refuses the
inputs it has no place for, saying where the setting goes now.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from pulumi_openai_run._apis import api_field
from pulumi_openai_run._core.json import plain, without_nulls
from pulumi_openai_run._core.tools import (
    normalize_tool_resources,
    normalize_tools,
    tool_resources_field,
    tool_resources_to_api,
    validate_tools,
)
from pulumi_openai_run._objects.agent_tools import AGENT_TOOL_TYPES, normalize_agent_tools, validate_agent_tools
from pulumi_openai_run._objects.kind import ApiObject, ObjectKind, common_outputs, variant
from pulumi_openai_run._objects.message import FILES_ON_RESPONSES
from pulumi_openai_run._objects.provider import ApiObjectProvider
from pulumi_openai_run.schema import (
    Field,
    a_number,
    a_string,
    as_float,
    check_declares_inputs,
    extra_keys,
    metadata_field,
    shown,
    user_metadata,
)

RESPONSE_FORMATS = ("text", "json_object", "json_schema")

REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
REASONING_SUMMARIES = ("concise", "detailed", "auto")
TEXT_FORMATS = ("text", "json_schema")
VERBOSITIES = ("low", "medium", "high")

_SCHEMA_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


# --- values ------------------------------------------------------------------------------------------


def validate_response_format(value: Any) -> str | None:
    """``"auto"``, or ``{type: text | json_object | json_schema, json_schema: {name, schema, ...}}``."""
    if value == "auto":
        return None
    allowed = f"'auto' or a map {{type: {' | '.join(RESPONSE_FORMATS)}}}"
    if not isinstance(value, Mapping):
        return f"must be {allowed}, got {shown(value)}."
    kind = value.get("type")
    if kind not in RESPONSE_FORMATS:
        return f"has type {shown(kind)}; it must be {allowed}."
    problem = extra_keys(value, ("type", "json_schema") if kind == "json_schema" else ("type",))
    if problem:
        return problem
    if kind == "json_schema":
        schema = value.get("json_schema")
        if not isinstance(schema, Mapping) or not isinstance(schema.get("name"), str) or not schema["name"]:
            return "of type json_schema needs a 'json_schema' map with a 'name' (and a 'schema')."
        if not _SCHEMA_NAME.fullmatch(schema["name"]):
            return (f"json_schema.name must be 1 to 64 letters, digits, '_' or '-', got {shown(schema['name'])}.")
    return None


def validate_reasoning(value: Any) -> str | None:
    """An agent's ``reasoning`` (``AgentReasoningParam``): ``{effort, summary}``, each optional."""
    if not isinstance(value, Mapping):
        return (f"must be a map {{effort: {' | '.join(REASONING_EFFORTS)}, summary: "
                f"{' | '.join(REASONING_SUMMARIES)}}}, got {shown(value)}.")
    problem = extra_keys(value, ("effort", "summary"))
    if problem:
        return problem
    for key, allowed in (("effort", REASONING_EFFORTS), ("summary", REASONING_SUMMARIES)):
        if value.get(key) is not None and value[key] not in allowed:
            return f"{key} must be one of {', '.join(allowed)}, got {shown(value[key])}."
    return None

def normalize_reasoning(value: Any) -> dict[str, Any]:
    """Without nulls: ``{effort: null}`` (the model's default) equals ``{}`` and absent."""
    return dict(without_nulls(value))

def reasoning_to_api(value: Any) -> dict[str, Any] | None:
    """Null (the model's default) for an empty map: the API resets reasoning on null."""
    return normalize_reasoning(value) or None

def validate_text(value: Any) -> str | None:
    """An agent's ``text`` (``AgentTextParam``): ``{format: {type: text} | {type: json_schema, schema},
    verbosity}``."""
    if not isinstance(value, Mapping):
        return (f"must be a map {{format: {{type: text}} | {{type: json_schema, schema: {{...}}}}, verbosity: "
                f"{' | '.join(VERBOSITIES)}}}, got {shown(value)}.")
    problem = extra_keys(value, ("format", "verbosity"))
    if problem:
        return problem
    verbosity = value.get("verbosity")
    if verbosity is not None and verbosity not in VERBOSITIES:
        return f"verbosity must be one of {', '.join(VERBOSITIES)}, got {shown(verbosity)}."
    form = value.get("format")
    if form is None:
        return None
    if not isinstance(form, Mapping) or form.get("type") not in TEXT_FORMATS:
        return f"format must be {{type: text}} or {{type: json_schema, schema: {{...}}}}, got {shown(form)}."
    if form["type"] == "text":
        problem = extra_keys(form, ("type",))
        return f"format {problem}" if problem else None
    problem = extra_keys(form, ("type", "schema"))
    if problem:
        return f"format {problem} (an agent's json_schema format is {{type: json_schema, schema}} only)"
    if not isinstance(form.get("schema"), Mapping):
        return "format of type json_schema needs a 'schema': the JSON Schema the text must match."
    return None

def normalize_text(value: Any) -> dict[str, Any]:
    """With the API's defaults filled in (``{type: text}``, ``medium``), as an agent answers it."""
    value = plain(value or {})
    return {"format": value.get("format") or {"type": "text"}, "verbosity": value.get("verbosity") or "medium"}


# --- fields ------------------------------------------------------------------------------------------

ASSISTANT_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "model",
        "ID of the model the assistant uses, e.g. gpt-6-astra.",
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
        "What the assistant is for, at most 512 characters. Assistants API only.",
        on_change="update",
        validate=a_string(512, allow_empty=True),
    ),
    Field(
        "instructions",
        "The system instructions the assistant follows, at most 256,000 characters (an agent appends them to "
        "its base instructions).",
        on_change="update",
        validate=a_string(256_000, allow_empty=True),
    ),
    Field(
        "tools",
        "The assistant's tools, at most 128: API tool objects or flat maps of strings, as for the Run's "
        "tools (code_interpreter, file_search, function). On the Responses API, an agent's tools ("
        + ", ".join(AGENT_TOOL_TYPES) + "; a function needs no 'strict').",
        on_change="update",
        type_name="List of Map",
        validate=validate_tools,
        normalize=normalize_tools,
        default=[],
    ),
    tool_resources_field(
        "Files for its tools: {code_interpreter: {file_ids: [up to 20]}, file_search: "
        "{vector_store_ids: [at most 1]}}. Assistants API only.",
    ),
    metadata_field(
        "Metadata to attach to the assistant (at most 16 keys of 64 characters, values of 512).",
    ),
    Field(
        "temperature",
        "The sampling temperature, 0 to 2. Absent: the API's default, 1. Assistants API only (on the "
        "Responses API, the Run's temperature).",
        on_change="update",
        type_name="Number",
        validate=a_number(0, 2),
        normalize=as_float,
        default=1.0,
    ),
    Field(
        "top_p",
        "Nucleus sampling, 0 to 1. Absent: the API's default, 1. Assistants API only (on the Responses API, "
        "the Run's top_p).",
        on_change="update",
        type_name="Number",
        validate=a_number(0, 1),
        normalize=as_float,
        default=1.0,
    ),
    Field(
        "response_format",
        "'auto' (the default), or {type: text | json_object | json_schema, json_schema: {name, schema, "
        "strict}}. Assistants API only (on the Responses API, text's format).",
        on_change="update",
        type_name="String or Map",
        validate=validate_response_format,
        default="auto",
    ),
    Field(
        "reasoning",
        "Responses API only: how the agent's model reasons, {effort: " + " | ".join(REASONING_EFFORTS)
        + ", summary: " + " | ".join(REASONING_SUMMARIES) + "}. Absent: the model's default.",
        on_change="update",
        type_name="Map of String",
        validate=validate_reasoning,
        normalize=normalize_reasoning,
        default={},
    ),
    Field(
        "text",
        "Responses API only: the agent's text output, {format: {type: text} | {type: json_schema, schema}, "
        "verbosity: " + " | ".join(VERBOSITIES) + "}. Absent: plain text, medium verbosity.",
        on_change="update",
        type_name="Map",
        validate=validate_text,
        normalize=normalize_text,
        default={},
    ),
    api_field("assistant"),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type: 'assistant', or 'agent' on the Responses API.", output=True),
    Field("created_at", "Unix time (seconds) the assistant was created.", output=True, type_name="Number"),
)


class AssistantInputs(TypedDict, total=False):
    """An Assistant's inputs as the provider holds them (absent ones left out)."""

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
    reasoning: Mapping[str, str]
    text: Mapping[str, Any]
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

RESPONSES_ONLY = {
    "reasoning": "is an agent setting of the Responses API; the Assistants API has no place for it: set api to "
                 "'responses', or remove it.",
    "text": "is an agent setting of the Responses API; on the Assistants API use response_format (or set api to "
            "'responses').",
}

ASSISTANT = ObjectKind(
    noun="assistant",
    resource="Assistant",
    fields=ASSISTANT_FIELDS,
    id_prefix="asst_",
    refuses=RESPONSES_ONLY,
    collection=lambda client: client.beta.assistants,
    outputs=lambda api_object: common_outputs(api_object, "assistant"),
    server_values=assistant_values,
    to_api={"tools": normalize_tools, "temperature": float, "top_p": float, "metadata": dict,
            "tool_resources": tool_resources_to_api},
    import_hint="Assistant.get(name, 'asst_...')",
)


_AGENT_INPUTS = ("model", "name", "instructions", "tools", "reasoning", "text")

def agent_values(api_object: ApiObject) -> dict[str, Any]:
    """The inputs an agent holds; ``reasoning`` and ``text`` without the API's defaults, as one would write
    them (so an import reads ``text: {verbosity: low}``, not every default)."""
    values = {name: plain(api_object.get(name)) for name in _AGENT_INPUTS}
    values["metadata"] = user_metadata(api_object.get("metadata"))
    values["reasoning"] = normalize_reasoning(values["reasoning"] or {})
    defaults = normalize_text({})
    values["text"] = {k: v for k, v in normalize_text(values["text"]).items() if v != defaults[k]}
    return values

NOT_ON_AN_AGENT = {
    "temperature": "has no place on an agent object: set the Run's temperature instead (it goes with each "
                   "response).",
    "top_p": "has no place on an agent object: set the Run's top_p instead (it goes with each response).",
    "description": "has no place on an agent object (it has a name, instructions and metadata): keep it in "
                   "metadata, e.g. {description: ...}, or remove it.",
    "tool_resources": f"has no place on an agent object: {FILES_ON_RESPONSES}.",
    "response_format": "is the Assistants API's; an agent's output format is its text: {format: {type: "
                       "json_schema, schema: {...}}} (json_object has no equivalent: use a json_schema).",
}
"""The Assistant's inputs an agent object lacks, and where each setting goes now."""

NO_AGENTS_API = (
    "The server at openai:baseUrl has no Agents API (POST /agents answered 404), so an Assistant cannot be made "
    "there on the Responses API: give each Run its model and instructions (and tools) instead of an "
    "assistant_id, or use a server that has the Agents API."
)
"""What a create of an agent that answers 404 adds: the server lacks the endpoint (OGX has none)."""

AGENT = ObjectKind(
    noun="agent",
    resource="Assistant",
    fields=variant(ASSISTANT_FIELDS, tools={"validate": validate_agent_tools, "normalize": normalize_agent_tools}),
    id_prefix="",  # agent ids have no documented prefix: any plain token
    collection=lambda client: client.beta.agents,
    outputs=lambda api_object: common_outputs(api_object, "agent"),
    server_values=agent_values,
    to_api={"tools": normalize_agent_tools, "metadata": dict, "reasoning": reasoning_to_api,
            "text": normalize_text},
    import_hint="Assistant.get(name, '<agent id>', api='responses')",
    absent_hint=NO_AGENTS_API,
    refuses=NOT_ON_AN_AGENT,
)


class AssistantProvider(ApiObjectProvider):
    """Creates, modifies in place, refreshes and deletes OpenAI assistants (on the Responses API, agents)."""

    KINDS = {"assistants": ASSISTANT, "responses": AGENT}
    API_PROBES = (("id", "assistant_prefix"),)
    FIELDS = ASSISTANT_FIELDS
