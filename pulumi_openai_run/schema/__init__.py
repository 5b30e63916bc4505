"""The field-table mechanism: one :class:`Field` per input or output of a resource, and the check, diff,
validators and docs that derive from a table of them. Pure: no I/O, no ``openai`` import."""

from pulumi_openai_run.schema.metadata import (
    CREATE_TOKEN_KEY,
    METADATA_MAX_KEYS,
    a_metadata_map,
    metadata_field,
    user_metadata,
    with_token,
)
from pulumi_openai_run.schema.table import (
    UNKNOWN,
    Diff,
    Failure,
    Field,
    Normalizer,
    OnChange,
    Validator,
    check,
    check_declares_inputs,
    diff,
    echo_inputs,
    equivalent,
    inputs_of,
    is_unknown,
    on_change_words,
    outputs_of,
    refreshed_inputs,
)
from pulumi_openai_run.schema.validators import (
    MAX_JSON_CHARACTERS,
    MAX_JSON_DEPTH,
    MAX_QUOTED,
    JsonError,
    a_bool,
    a_number,
    a_string,
    an_id,
    as_float,
    as_int,
    extra_keys,
    is_number,
    json_problem,
    kind_of,
    one_of,
    parse_json,
    quoted_name,
    shown,
)

__all__ = [
    "CREATE_TOKEN_KEY", "MAX_JSON_CHARACTERS", "MAX_JSON_DEPTH", "MAX_QUOTED", "METADATA_MAX_KEYS", "UNKNOWN", "Diff",
    "Failure", "Field", "JsonError", "Normalizer", "OnChange", "Validator", "a_bool", "a_metadata_map",
    "a_number", "a_string", "an_id", "as_float", "as_int", "check", "check_declares_inputs", "diff", "echo_inputs",
    "equivalent", "extra_keys", "inputs_of", "is_number", "is_unknown", "json_problem", "kind_of", "metadata_field",
    "on_change_words", "one_of", "outputs_of", "parse_json", "quoted_name", "refreshed_inputs", "shown",
    "user_metadata", "with_token",
]
