"""How the provider reads servers that answer otherwise than OpenAI (OGX's shapes, as ``tests/real_server/``
shows them on the real one): error bodies in each shape, told apart by what they say, not by the host."""

from __future__ import annotations

from typing import Any

import httpx2
import openai
import pytest

from pulumi_openai_run._apis.responses.backend import refuses_background_stream, wants_input
from pulumi_openai_run._core.calls import api_error, error_text, field_errors

OGX_INPUT_MISSING = "{'errors': [{'loc': ['body', 'input'], 'msg': 'Field required', 'type': 'missing'}]}"
"""OGX's validation error for a create without input, as its body's (printed) message."""


def status_error(status: int, json: dict[str, Any]) -> openai.APIStatusError:
    """The error openai raises for this answer (it hands over a body's ``error`` object as ``body``)."""
    response = httpx2.Response(status, request=httpx2.Request("POST", "http://127.0.0.1/v1/responses"), json=json)
    client = openai.OpenAI(base_url="http://127.0.0.1/v1", api_key="sk-test")
    return client._make_status_error_from_response(response)


@pytest.mark.parametrize(("answer", "said"), [
    ({"error": {"message": "Invalid 'temperature'.", "type": "invalid_request_error", "param": "temperature"}},
     "Invalid 'temperature'."),  # OpenAI
    ({"detail": "Model 'nope' not found."}, "Model 'nope' not found."),  # FastAPI's HTTPException (OGX)
    ({"detail": [{"loc": ["body", "metadata", "team"], "msg": "Input should be a valid string"}]},
     "metadata.team: Input should be a valid string"),  # FastAPI's validation error
    ({"error": {"message": OGX_INPUT_MISSING}}, "input: Field required"),  # OGX's validation error
    ({"error": {"message": "{'errors': not a literal"}}, "{'errors': not a literal"),  # what it said, as it said it
], ids=["openai", "detail", "detail-list", "ogx-validation", "unparsable"])
def test_an_error_says_what_the_server_said_whatever_its_shape(answer: dict[str, Any], said: str) -> None:
    error = status_error(400, answer)
    assert error_text(error) == said
    assert str(api_error("create a response", error)) == f"Could not create a response: {said} (HTTP 400)."
    assert "Error code" not in str(api_error("create a response", error))


def test_field_errors_name_each_field_without_the_body_prefix() -> None:
    error = status_error(400, {"detail": [{"loc": ["body", "input"], "msg": "Field required"},
                                          {"loc": ["query", "limit"], "msg": "Input should be at most 100"}]})
    assert field_errors(error) == [("input", "Field required"), ("query.limit", "Input should be at most 100")]
    assert field_errors(status_error(400, {"error": {"message": "Bad."}})) == []


@pytest.mark.parametrize(("answer", "wanted"), [
    ({"error": {"message": OGX_INPUT_MISSING}}, True),
    ({"detail": [{"loc": ["body", "input"], "msg": "Field required"}]}, True),
    ({"error": {"message": "Missing required parameter: 'input'.", "param": "input"}}, True),
    ({"error": {"message": "{'errors': [{'loc': ['body', 'model'], 'msg': 'Field required'}]}"}}, False),
    ({"error": {"message": "Invalid 'input': too long.", "param": "input"}}, False),
], ids=["ogx", "detail-list", "openai-shape", "another-field", "input-but-not-missing"])
def test_a_refusal_for_want_of_input_is_told_from_other_bad_requests(answer: dict[str, Any], wanted: bool) -> None:
    error = status_error(400, answer)
    assert isinstance(error, openai.BadRequestError)
    assert wants_input(error) is wanted


def test_ogx_refusing_background_with_stream_is_a_refusal_to_stream() -> None:
    error = status_error(400, {"detail": "OGX does not yet support 'stream' and 'background' together."})
    assert isinstance(error, openai.BadRequestError) and refuses_background_stream(error)
    other = status_error(400, {"error": {"message": OGX_INPUT_MISSING}})
    assert isinstance(other, openai.BadRequestError) and not refuses_background_stream(other)
