"""Request body validation, worded like the real service's 400 errors (always naming the param)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import bad_request

Check = Callable[[str, Any], None]

_TYPE_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a decimal",
    str: "a string",
    list: "an array",
    dict: "an object",
    type(None): "null",
}


def _kind(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _invalid_type(param: str, expected: str, value: Any) -> Exception:
    return bad_request(
        f"Invalid type for '{param}': expected {expected}, but got {_kind(value)} instead.", param, "invalid_type"
    )


def _instance_of(kind: type, expected: str) -> Check:
    def check(param: str, value: Any) -> None:
        if not isinstance(value, kind):
            raise _invalid_type(param, expected, value)

    return check


string = _instance_of(str, "a string")
boolean = _instance_of(bool, "a boolean")
array = _instance_of(list, "an array")
obj = _instance_of(dict, "an object")


def anything(param: str, value: Any) -> None:
    return None


def integer(minimum: int | None = None) -> Check:
    def check(param: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid_type(param, "an integer", value)
        if minimum is not None and value < minimum:
            raise bad_request(
                f"Invalid '{param}': integer below minimum value. Expected a value >= {minimum}, "
                f"but got {value} instead.",
                param,
                "integer_below_min_value",
            )

    return check


def decimal(minimum: float, maximum: float) -> Check:
    def check(param: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _invalid_type(param, "a decimal", value)
        if value < minimum:
            raise bad_request(
                f"Invalid '{param}': decimal below minimum value. Expected a value >= {minimum:g}, "
                f"but got {value} instead.",
                param,
                "decimal_below_min_value",
            )
        if value > maximum:
            raise bad_request(
                f"Invalid '{param}': decimal above maximum value. Expected a value <= {maximum:g}, "
                f"but got {value} instead.",
                param,
                "decimal_above_max_value",
            )

    return check


def one_of(*allowed: str) -> Check:
    def check(param: str, value: Any) -> None:
        if value not in allowed:
            quoted = [f"'{a}'" for a in allowed]
            supported = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
            raise bad_request(f"Invalid value: '{value}'. Supported values are: {supported}.", param, "invalid_value")

    return check


def metadata(param: str, value: Any) -> None:
    obj(param, value)
    if len(value) > 16:
        raise bad_request(
            f"Invalid '{param}': too many properties. Expected an object with at most 16 properties, "
            f"but got an object with {len(value)} properties instead.",
            param,
            "object_above_max_properties",
        )
    for key, item in value.items():
        if len(key) > 64:
            raise bad_request(
                f"Invalid '{param}': metadata keys must be at most 64 characters long.", param, "invalid_value"
            )
        string(f"{param}.{key}", item)
        if len(item) > 512:
            raise bad_request(
                f"Invalid '{param}.{key}': string too long. Expected a string with maximum length 512, "
                f"but got a string with length {len(item)} instead.",
                f"{param}.{key}",
                "string_above_max_length",
            )


def tools(param: str, value: Any) -> None:
    array(param, value)
    for index, tool in enumerate(value):
        obj(f"{param}[{index}]", tool)
        one_of("code_interpreter", "file_search", "function")(f"{param}[{index}].type", tool.get("type"))
        if tool["type"] == "function":
            function = tool.get("function")
            obj(f"{param}[{index}].function", function)
            string(f"{param}[{index}].function.name", function.get("name"))


def content(param: str, value: Any) -> None:
    if isinstance(value, str):
        return
    if not isinstance(value, list):
        raise _invalid_type(param, "a string or an array", value)
    for index, part in enumerate(value):
        obj(f"{param}[{index}]", part)
        one_of("text", "image_file", "image_url")(f"{param}[{index}].type", part.get("type"))


def message(param: str, value: Any) -> None:
    obj(param, value)
    validate(value, MESSAGE_FIELDS, required=("role", "content"), prefix=f"{param}.")


def messages(param: str, value: Any) -> None:
    array(param, value)
    for index, item in enumerate(value):
        message(f"{param}[{index}]", item)


def nullable(check: Check) -> Check:
    def wrapped(param: str, value: Any) -> None:
        if value is not None:
            check(param, value)

    return wrapped


def validate(
    body: Any,
    fields: Mapping[str, Check],
    *,
    required: tuple[str, ...] = (),
    prefix: str = "",
) -> dict[str, Any]:
    """Check ``body`` against ``fields``; unknown, missing or mistyped params are a 400."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.", None, "invalid_type")
    for name in body:
        if name not in fields:
            raise bad_request(
                f"Unrecognized request argument supplied: {prefix}{name}", f"{prefix}{name}", "unknown_parameter"
            )
    for name in required:
        if body.get(name) is None:
            raise bad_request(
                f"Missing required parameter: '{prefix}{name}'.", f"{prefix}{name}", "missing_required_parameter"
            )
    for name, value in body.items():
        fields[name](f"{prefix}{name}", value)
    return body


MESSAGE_FIELDS: dict[str, Check] = {
    "role": one_of("user", "assistant"),
    "content": content,
    "attachments": nullable(array),
    "metadata": nullable(metadata),
}

ASSISTANT_FIELDS: dict[str, Check] = {
    "model": string,
    "name": nullable(string),
    "description": nullable(string),
    "instructions": nullable(string),
    "tools": nullable(tools),
    "tool_resources": nullable(obj),
    "metadata": nullable(metadata),
    "temperature": nullable(decimal(0, 2)),
    "top_p": nullable(decimal(0, 1)),
    "response_format": anything,
    "reasoning_effort": nullable(one_of("none", "minimal", "low", "medium", "high", "xhigh")),
}

THREAD_FIELDS: dict[str, Check] = {
    "messages": nullable(messages),
    "metadata": nullable(metadata),
    "tool_resources": nullable(obj),
}

THREAD_UPDATE_FIELDS: dict[str, Check] = {"metadata": nullable(metadata), "tool_resources": nullable(obj)}

METADATA_ONLY_FIELDS: dict[str, Check] = {"metadata": nullable(metadata)}

RUN_FIELDS: dict[str, Check] = {
    "assistant_id": string,
    "model": nullable(string),
    "stream": nullable(boolean),
    "additional_instructions": nullable(string),
    "additional_messages": nullable(messages),
    "instructions": nullable(string),
    "max_completion_tokens": nullable(integer(1)),
    "max_prompt_tokens": nullable(integer(1)),
    "metadata": nullable(metadata),
    "parallel_tool_calls": nullable(boolean),
    "reasoning_effort": nullable(one_of("none", "minimal", "low", "medium", "high", "xhigh")),
    "response_format": anything,
    "temperature": nullable(decimal(0, 2)),
    "tool_choice": anything,
    "tools": nullable(tools),
    "top_p": nullable(decimal(0, 1)),
    "truncation_strategy": nullable(obj),
}


def tool_output(param: str, value: Any) -> None:
    obj(param, value)
    validate(value, {"tool_call_id": string, "output": string}, required=("tool_call_id",), prefix=f"{param}.")


def tool_outputs(param: str, value: Any) -> None:
    array(param, value)
    for index, item in enumerate(value):
        tool_output(f"{param}[{index}]", item)


SUBMIT_TOOL_OUTPUTS_FIELDS: dict[str, Check] = {"tool_outputs": tool_outputs, "stream": nullable(boolean)}
