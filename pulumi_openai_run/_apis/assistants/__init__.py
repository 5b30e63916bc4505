"""Assistants v2 (``/threads/{thread_id}/runs``): ``backend.py`` makes the calls, ``mapping.py`` maps (pure)."""

from __future__ import annotations

from pulumi_openai_run._apis.assistants.mapping import input_problems
from pulumi_openai_run._runs.backend import Api

ASSISTANTS = Api(
    name="assistants", title="the Assistants API", thread_prefix="thread_", assistant_prefix="asst_",
    run_prefix="run_", run_noun="a run", thread_noun="a thread", assistant_noun="an assistant",
    stop_by_hand="POST <openai:baseUrl>/threads/{thread_id}/runs/{run_id}/cancel (header OpenAI-Beta: assistants=v2)",
    metadata_in_place=True,
    finished=frozenset(),  # a replacement on the same thread always stops the old run first
    run_stands_alone=False,  # a run lives under its thread
    input_problems=input_problems,
    backend_class="pulumi_openai_run._apis.assistants.backend:AssistantsBackend",
)
