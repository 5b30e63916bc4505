"""The ``Thread`` resource's fields: metadata and tool resources change in place, the initial messages
make a new thread.

The single source for ``ThreadProvider.check`` and ``diff``, the mapping to the API and the README's table.
"""

from __future__ import annotations

from pulumi_openai_run._objects.values import (
    normalize_messages,
    normalize_tool_resources,
    validate_messages,
    validate_tool_resources,
)
from pulumi_openai_run.schema import Field, metadata_field

THREAD_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "messages",
        "Messages to start the thread with: [{role (user or assistant; default user), content (text or "
        "content parts), attachments, metadata}]. Changing them makes a new thread.",
        type_name="List of Map",
        validate=validate_messages,
        normalize=normalize_messages,
        default=[],
    ),
    metadata_field(
        "Metadata to attach to the thread (at most 16 keys of 64 characters, values of 512).",
    ),
    Field(
        "tool_resources",
        "Files for the assistant's tools on this thread: {code_interpreter: {file_ids: [up to 20]}, "
        "file_search: {vector_store_ids: [at most 1]}}.",
        on_change="update",
        type_name="Map",
        validate=validate_tool_resources,
        normalize=normalize_tool_resources,
        default={},
    ),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type, always 'thread'.", output=True),
    Field("created_at", "Unix time (seconds) the thread was created.", output=True, type_name="Number"),
)
