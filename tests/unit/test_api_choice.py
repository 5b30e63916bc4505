"""Which API a resource is on: its ``api`` input, else its ids, else stack config ``openai:api``."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config

from pulumi_openai_run import AssistantProvider, MessageProvider, RunProvider, ThreadProvider
from pulumi_openai_run._apis import APIS, DEFAULT, api_for, default_api
from pulumi_openai_run._core.client import ConfigError
from pulumi_openai_run._objects.thread import THREAD
from pulumi_openai_run.schema import UNKNOWN


def configured(provider: ResourceProvider, **config: Any) -> ResourceProvider:
    provider.configure(ConfigureRequest(Config({"openai:apiKey": "sk-test-0123456789", **config}, "test")))
    return provider


def failures(provider: ResourceProvider, news: dict[str, Any]) -> dict[str, str]:
    return {f.property: f.reason for f in provider.check({}, news).failures}


def test_config_sets_the_default_only_where_neither_api_nor_ids_decide() -> None:
    responses, assistants = APIS["responses"], APIS["assistants"]
    assert api_for({"assistant_id": "a-1", "thread_id": "t-1"}) is DEFAULT
    assert api_for({"assistant_id": "a-1", "thread_id": "t-1"}, default=responses) is responses
    assert api_for({"thread_id": "thread_1"}, default=responses) is assistants  # the ids decide
    assert api_for({"thread_id": "conv_1", "api": "responses"}, default=assistants) is responses


@pytest.mark.parametrize("value", ["", None])
def test_absent_config_is_the_default(value: Any) -> None:
    assert default_api(value) is DEFAULT


def test_a_config_value_that_is_no_api_names_the_key_and_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"openai:api must be one of 'assistants', 'responses', got 'agents'"):
        default_api("agents")


def test_a_run_with_a_bad_openai_api_config_fails_naming_the_key() -> None:
    provider = configured(RunProvider(), **{"openai:api": "chat"})
    with pytest.raises(Exception, match=r"openai:api must be one of"):
        provider.check({}, {"assistant_id": "a-1", "thread_id": "t-1"})


@pytest.mark.parametrize("api", sorted(APIS))
@pytest.mark.parametrize(("cls", "news"), [
    (AssistantProvider, {"model": "gpt-test"}),
    (ThreadProvider, {}),
    (MessageProvider, {"thread_id": "t-1", "content": "Hi"}),
])
def test_every_plain_resource_is_on_every_api(cls: type[ResourceProvider], news: dict[str, Any], api: str) -> None:
    assert failures(configured(cls(), **{"openai:api": api}), news) == {}
    assert failures(configured(cls()), {**news, "api": api}) == {}


class AssistantsOnlyThreads(ThreadProvider):
    KINDS = {"assistants": THREAD}


def test_a_resource_on_an_api_without_its_kind_fails_check_naming_api() -> None:
    found = failures(configured(AssistantsOnlyThreads()), {"api": "responses"})
    assert found["api"].endswith("is not available on the Responses API: set api to 'assistants'.")


def test_an_api_that_the_ids_contradict_fails_check_naming_api() -> None:
    provider = configured(MessageProvider())
    found = failures(provider, {"thread_id": "thread_abc", "content": "Hi", "api": "responses"})
    assert found == {"api": "'api' is 'responses', but 'thread_abc' is an id of the Assistants API: remove api, "
                            "or use an id of the Responses API."}


def test_an_assistant_is_on_the_api_that_api_or_the_config_names() -> None:
    assert failures(configured(AssistantProvider()), {"model": "gpt-test", "api": "responses"}) == {}
    on_responses = configured(AssistantProvider(), **{"openai:api": "responses"})
    assert failures(on_responses, {"model": "gpt-test", "temperature": 0.5}) == {
        "temperature": "'temperature' has no place on an agent object: set the Run's temperature instead (it goes "
                       "with each response)."}
    assert failures(on_responses, {"model": "gpt-test", "temperature": 0.5, "api": "assistants"}) == {}
    # an asst_ id is the Assistants API's, whatever the config says
    assert on_responses.diff("asst_1", {"model": "gpt-test"}, {"model": "gpt-test", "api": "assistants"}).changes \
        is False


def test_while_the_ids_that_choose_the_api_are_unknown_an_input_fails_only_if_it_fits_no_api() -> None:
    # A preview of Thread(api="responses") + Message(thread_id=thread.id, content=[input_file]): the thread's
    # id is unknown, so the Message's API is not known yet; the engine checks again with it known.
    provider = configured(MessageProvider(), **{"openai:api": "assistants"})
    parts = [{"type": "input_text", "text": "Read this"}, {"type": "input_file", "file_id": "file-1"}]
    assert failures(provider, {"thread_id": UNKNOWN, "content": parts}) == {}
    assert failures(provider, {"thread_id": UNKNOWN, "content": "Hi", "metadata": {"k": "v"}}) == {}
    assert failures(provider, {"thread_id": "conv_1", "content": "Hi", "metadata": {"k": "v"}}).keys() == {"metadata"}
    found = failures(provider, {"thread_id": UNKNOWN, "content": "", "role": "robot"})
    assert found == {"content": "'content' must not be empty: give the message's text or a list of content parts.",
                     "role": "'role' must be one of 'user', 'assistant'; got 'robot'."}  # the default API's words
    on_responses = configured(MessageProvider(), **{"openai:api": "responses"})
    assert failures(on_responses, {"thread_id": UNKNOWN, "content": "Hi", "role": "robot"}) == {
        "role": "'role' must be one of 'user', 'assistant', 'developer', 'system'; got 'robot'."}
    assert failures(configured(AssistantProvider()), {"model": "m", "api": UNKNOWN, "temperature": 0.5}) == {}
