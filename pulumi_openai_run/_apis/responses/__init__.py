"""Responses + Conversations (``/responses``, ``/conversations``): ``backend.py`` makes the calls,
``mapping.py`` maps (pure)."""

from __future__ import annotations

from pulumi_openai_run._apis.responses.mapping import FINISHED, input_problems
from pulumi_openai_run._runs.backend import Api

RESPONSES = Api(
    # agent ids have no documented prefix: any plain token, the API chosen by the other ids, api or config
    name="responses", title="the Responses API", thread_prefix="conv_", assistant_prefix="",
    run_prefix="resp_", run_noun="a response", thread_noun="a conversation", assistant_noun="an agent",
    stop_by_hand=("POST https://api.openai.com/v1/responses/{run_id}/cancel "
                  "(or <openai:baseUrl>/responses/{run_id}/cancel)"),
    metadata_in_place=False,  # a response is immutable
    finished=FINISHED,
    run_stands_alone=True,
    input_problems=input_problems,
    backend_class="pulumi_openai_run._apis.responses.backend:ResponsesBackend",
)
