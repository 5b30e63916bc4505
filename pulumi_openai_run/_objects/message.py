"""The ``Message`` resource's fields: metadata changes in place, anything else makes a new message.

The single source for ``MessageProvider.check`` and ``diff``, the mapping to the API and the README's table.
"""

from __future__ import annotations

from pulumi_openai_run._objects.values import (
    ROLES,
    normalize_attachments,
    normalize_content,
    validate_attachments,
    validate_content,
)
from pulumi_openai_run.schema import Field, an_id, metadata_field, one_of

MESSAGE_FIELDS: tuple[Field, ...] = (
    # --- inputs --------------------------------------------------------------------------------
    Field(
        "thread_id",
        "The ID of the thread to add the message to.",
        required=True,
        validate=an_id("thread_"),
    ),
    Field(
        "content",
        "The message's text, or a list of content parts: {type: text, text}, {type: image_file, "
        "image_file: {file_id, detail}}, {type: image_url, image_url: {url, detail}}.",
        required=True,
        type_name="String or List of Map",
        validate=validate_content,
        normalize=normalize_content,
    ),
    Field(
        "role",
        "Who the message is from: user (the default) or assistant.",
        validate=one_of(*ROLES),
        default="user",
    ),
    Field(
        "attachments",
        "Files attached to the message and the tools to add them to: [{file_id, tools: [{type: "
        "code_interpreter | file_search}]}].",
        type_name="List of Map",
        validate=validate_attachments,
        normalize=normalize_attachments,
        default=[],
    ),
    metadata_field(
        "Metadata to attach to the message (at most 16 keys of 64 characters, values of 512). Updated in "
        "place.",
    ),
    # --- outputs -------------------------------------------------------------------------------
    Field("object", "The object type, always 'thread.message'.", output=True),
    Field("created_at", "Unix time (seconds) the message was created.", output=True, type_name="Number"),
    Field("status", "The message's status: in_progress, incomplete or completed.", output=True),
    Field("assistant_id", "The assistant that wrote the message, or null for a user's message.", output=True),
    Field("run_id", "The run that wrote the message, or null for a message added by hand.", output=True),
    Field("completed_at", "Unix time the message was completed, or null.", output=True, type_name="Number"),
    Field("incomplete_at", "Unix time the message was marked incomplete, or null.", output=True,
          type_name="Number"),
    Field("incomplete_details", "Why the message is incomplete {reason}, or null.", output=True,
          type_name="Map of String"),
)
