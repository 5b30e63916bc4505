"""The Run's ``input``: the user message the run answers, a string or content parts (pure).

Each API spells content parts its own way, as its messages do:

* the Responses API: ``{type: input_text, text}``, ``{type: input_image, image_url | file_id, detail}``,
  ``{type: input_file, file_id | file_url | file_data + filename}``;
* the Assistants API: ``{type: text, text}``, ``{type: image_file, image_file: {file_id, detail}}``,
  ``{type: image_url, image_url: {url, detail}}``.

The field table's validator (:func:`validate_input`) checks the shape of either family; which family the
run's API takes is the API's own check (:func:`parts_problem`, called from its ``input_problems``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_openai_run.schema import extra_keys, json_problem, kind_of, shown

MAX_INPUT_CHARACTERS = 256_000
"""The longest text an input (or one text part) may have; the Assistants API's message limit."""

RESPONSES_PARTS = ("input_text", "input_image", "input_file")
ASSISTANTS_PARTS = ("text", "image_file", "image_url")
DETAILS = ("auto", "low", "high")
_IMAGE_DETAILS = (*DETAILS, "original")  # the Responses API's input_image also takes "original"
_ALLOWED = (
    "a non-empty string, or a non-empty list of content parts: on the Responses API {type: input_text, text}, "
    "{type: input_image, image_url or file_id}, {type: input_file, file_id, file_url or file_data with "
    "filename}; on the Assistants API {type: text, text}, {type: image_file, image_file: {file_id}}, "
    "{type: image_url, image_url: {url}}"
)


def validate_input(value: Any) -> str | None:
    """``None`` when ``value`` is a well-formed input for either API, else what is wrong and what is allowed."""
    if isinstance(value, str):
        if not value.strip():
            return f"must not be empty: give {_ALLOWED}."
        if len(value) > MAX_INPUT_CHARACTERS:
            return f"must be at most {MAX_INPUT_CHARACTERS} characters, got {len(value)}."
        return None
    if isinstance(value, list | tuple) and json_problem(value, "input"):
        return f"is not plain JSON: {json_problem(value, 'input')}"
    if not isinstance(value, list | tuple) or not value:
        return f"must be {_ALLOWED}; got {kind_of(value) if value != [] else 'an empty list'}."
    for index, part in enumerate(value):
        problem = _part_problem(part)
        if problem:
            return f"part [{index}] {problem}"
    families = {_family(part) for part in value}
    if len(families) > 1:
        return ("mixes the Responses API's parts (input_text, input_image, input_file) with the Assistants "
                "API's (text, image_file, image_url): use the parts of the run's API only.")
    return None


def parts_problem(value: Any, allowed: Sequence[str], api_title: str) -> str | None:
    """The problem with ``value``'s content parts on an API that takes the ``allowed`` part types, or
    ``None`` (a string, a malformed value or unknown parts: left to the field's own validator)."""
    if not isinstance(value, list | tuple) or validate_input(value) is not None:
        return None
    for index, part in enumerate(value):
        kind = part.get("type")
        if kind not in allowed:
            return (f"part [{index}] is a {shown(kind)} part, which {api_title} does not take: its parts are "
                    f"{', '.join(allowed)}.")
    return None


def _family(part: Mapping[str, Any]) -> str:
    return "responses" if part.get("type") in RESPONSES_PARTS else "assistants"


def _part_problem(part: Any) -> str | None:
    if not isinstance(part, Mapping):
        return f"must be a map with a 'type', got {kind_of(part)}."
    kind = part.get("type")
    if kind not in RESPONSES_PARTS + ASSISTANTS_PARTS:
        return f"has type {shown(kind)}; allowed: {', '.join(RESPONSES_PARTS + ASSISTANTS_PARTS)}."
    if kind in ("input_text", "text"):
        return _keys(part, ("type", "text")) or _text(part.get("text"))
    if kind == "input_image":
        return (_keys(part, ("type", "image_url", "file_id", "detail"))
                or _one_of_strings(part, ("image_url", "file_id")) or _detail(part, _IMAGE_DETAILS))
    if kind == "input_file":
        return (_keys(part, ("type", "file_id", "file_url", "file_data", "filename"))
                or _one_of_strings(part, ("file_id", "file_url", "file_data"))
                or ("needs a 'filename' with its file_data." if part.get("file_data") and not part.get("filename")
                    else None))
    nested_key = "file_id" if kind == "image_file" else "url"
    nested = part.get(kind)
    if _keys(part, ("type", kind)) or not isinstance(nested, Mapping):
        return f"must be {{type: {kind}, {kind}: {{{nested_key}, detail}}}}, got {shown(dict(part))}."
    return _keys(nested, (nested_key, "detail")) or _one_of_strings(nested, (nested_key,)) or _detail(nested, DETAILS)


def _keys(value: Mapping[str, Any], allowed: tuple[str, ...]) -> str | None:
    return extra_keys(value, allowed)


def _text(text: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return "needs a non-empty 'text' string."
    if len(text) > MAX_INPUT_CHARACTERS:
        return f"has a text of {len(text)} characters; at most {MAX_INPUT_CHARACTERS}."
    return None


def _one_of_strings(value: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    given = [key for key in keys if value.get(key) is not None]
    if len(given) != 1 or not isinstance(value[given[0]], str) or not value[given[0]]:
        names = keys[0] if len(keys) == 1 else f"one of {', '.join(keys)}"
        return f"needs exactly {names}, as a non-empty string."
    return None


def _detail(value: Mapping[str, Any], allowed: tuple[str, ...]) -> str | None:
    detail = value.get("detail")
    if detail is None or detail in allowed:
        return None
    return f"has detail {shown(detail)}; allowed: {', '.join(allowed)}."
