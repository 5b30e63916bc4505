"""The engine harness against the real ``python -m pulumi.dynamic`` server, using the toy provider.

One server is started per module (``server`` fixture); tests that need a differently configured or a broken
server start their own.  The server caches deserialized providers by their serialized string and configures
each one only once, so all tests here that use ``ToyProvider()`` share one configured instance.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from pulumi_openai_run.testing import (
    UNKNOWN,
    CheckFailedError,
    DiffOutcome,
    ProviderError,
    ProviderServer,
    ProviderServerMocks,
    ProviderStartError,
    Secret,
    run_program,
    serialized_provider,
    urn,
)
from tests.engine.toy_provider import DELETE_FAILURE_MESSAGE, Toy, ToyProvider

API_KEY = "sk-toy-not-a-real-key"
CONFIG: dict[str, Any] = {"toy:apiKey": Secret(API_KEY), "test:region": "eu-west-1"}
TOY_URN = urn(Toy, "toy")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    log_path = tmp_path_factory.mktemp("provider") / "server.log"
    with ProviderServer(CONFIG, log_path=log_path) as running:
        yield running


@pytest.fixture(scope="module")
def provider() -> str:
    return serialized_provider(ToyProvider())


def props(provider: str, **values: Any) -> dict[str, Any]:
    return {**values, "__provider": provider}


def test_urn_helper() -> None:
    assert TOY_URN == "urn:pulumi:dev::test::pulumi-python:dynamic/toy:Toy::toy"
    assert urn("dynamic:Resource", "r", project="p", stack="s") == (
        "urn:pulumi:s::p::pulumi-python:dynamic:Resource::r"
    )
    assert urn("Toy", "t") == "urn:pulumi:dev::test::pulumi-python:dynamic:Toy::t"


def test_configure_delivers_secret_config_unwrapped(server: ProviderServer, provider: str) -> None:
    # Like the engine, Configure sent the secret wrapped; the dynamic provider refuses secrets for properties.
    assert server.accept_secrets is False

    _, outs = server.create(TOY_URN, props(provider, size=1))

    assert outs["configured_key_present"] is True  # a plain, non-empty str reached configure()
    assert outs["configured_region"] == "eu-west-1"  # "region" resolved via PULUMI_PROJECT=test
    assert "key_present=True" in server.log_text()
    assert API_KEY not in server.log_text()


def test_check_accepts_valid_inputs(server: ProviderServer, provider: str) -> None:
    outcome = server.check(TOY_URN, {}, props(provider, size=3, label="x"))

    assert outcome.failures == []
    assert outcome.inputs == {"size": 3.0, "label": "x", "__provider": provider}
    assert isinstance(outcome.inputs["size"], float)


def test_check_reports_failures(server: ProviderServer, provider: str) -> None:
    outcome = server.check(TOY_URN, {}, props(provider, size=-2))

    assert outcome.failures == [("size", "size must be >= 0, got -2")]


def test_check_with_unknown_during_preview(server: ProviderServer, provider: str) -> None:
    outcome = server.check(TOY_URN, {}, props(provider, size=UNKNOWN))

    assert outcome.failures == []
    assert outcome.inputs["size"] == UNKNOWN


def test_secret_property_reaches_provider_plain_and_is_marked_secret(server: ProviderServer, provider: str) -> None:
    outcome = server.check(TOY_URN, {}, props(provider, size=1, token=Secret("t0ken")))

    assert outcome.inputs["token"] == "t0ken"
    assert outcome.inputs.secret_keys == {"token"}


@pytest.mark.parametrize(
    ("news", "expected"),
    [
        pytest.param({"size": 3, "label": "a"}, DiffOutcome("none", [], False), id="none"),
        pytest.param({"size": 3, "label": "b"}, DiffOutcome("some", [], False), id="update"),
        pytest.param({"size": 4, "label": "a"}, DiffOutcome("some", ["size"], True), id="replace"),
        pytest.param({"size": UNKNOWN, "label": "a"}, DiffOutcome("unknown", [], False), id="unknown"),
    ],
)
def test_diff(server: ProviderServer, provider: str, news: dict[str, Any], expected: DiffOutcome) -> None:
    olds = props(provider, size=3.0, label="a", size_type="float")

    assert server.diff(TOY_URN, "toy-3", olds, props(provider, **news)) == expected


def test_create_numbers_arrive_as_floats(server: ProviderServer, provider: str) -> None:
    resource_id, outs = server.create(TOY_URN, props(provider, size=3))

    assert resource_id == "toy-3"
    assert outs["size"] == 3.0
    assert outs["size_type"] == "float"  # the int 3 reached the provider as 3.0
    assert outs["__provider"] == provider
    assert "toy[default] creating size=3" in server.log_text()  # provider stdout is captured too


def test_read_with_only_inputs_imports(server: ProviderServer, provider: str) -> None:
    outcome = server.read(TOY_URN, "toy-5", {}, inputs=props(provider, size=5))

    assert outcome.id == "toy-5"
    assert outcome.outs["refreshed"] is True
    assert outcome.outs["size"] == 5.0
    assert outcome.inputs == {"size": 5.0, "__provider": provider}


def test_read_refresh_keeps_inputs(server: ProviderServer, provider: str) -> None:
    resource_id, outs = server.create(TOY_URN, props(provider, size=2))

    outcome = server.read(TOY_URN, resource_id, outs)

    assert outcome.id == resource_id
    assert outcome.outs == {**outs, "refreshed": True}
    assert outcome.inputs is None


def test_update(server: ProviderServer, provider: str) -> None:
    resource_id, outs = server.create(TOY_URN, props(provider, size=3, label="old"))

    new_outs = server.update(TOY_URN, resource_id, outs, props(provider, size=3, label="new"))

    assert new_outs == {"size": 3.0, "label": "new", "updated": True, "__provider": provider}


def test_delete(server: ProviderServer, provider: str) -> None:
    resource_id, outs = server.create(TOY_URN, props(provider, size=7))
    assert f"deleted {resource_id}" not in server.log_text()

    server.delete(TOY_URN, resource_id, outs)

    # The provider's delete ran in the server, with the id and the state the engine sent.
    assert f"toy[default] deleted {resource_id} size=7" in server.log_text()
    assert server.running


def test_delete_failure_surfaces_provider_traceback(server: ProviderServer, provider: str) -> None:
    with pytest.raises(ProviderError) as caught:
        server.delete(TOY_URN, "toy-fail", props(provider, size=0))

    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert DELETE_FAILURE_MESSAGE in caught.value.details
    assert "Traceback" in caught.value.details
    # The server survives provider errors.
    assert server.running
    assert server.check(TOY_URN, {}, props(provider, size=1)).failures == []


def test_configure_only_reaches_providers_not_yet_cached() -> None:
    first = serialized_provider(ToyProvider(tag="first"))
    second = serialized_provider(ToyProvider(tag="second"))
    with ProviderServer({"toy:apiKey": Secret("k")}) as fresh:
        assert fresh.create(TOY_URN, props(first, size=1))[1]["configured_key_present"] is True

        fresh.configure({})

        # Cached by its serialized string: still the configuration it was first deserialized with.
        assert fresh.create(TOY_URN, props(first, size=1))[1]["configured_key_present"] is True
        assert fresh.create(TOY_URN, props(second, size=1))[1]["configured_key_present"] is False


def test_startup_failure_reports_server_output(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "pulumi"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise SystemExit('shadowed pulumi package')\n")

    with (
        pytest.raises(ProviderStartError, match="shadowed pulumi package"),
        ProviderServer(env={"PYTHONPATH": str(shadow.parent)}),
    ):
        pass


PROGRAM = """
import pulumi
from tests.engine.toy_provider import Toy

config = pulumi.Config()
toy = Toy("answer", config.require_int("size"), label="from-program")
pulumi.export("toy_id", toy.id)
pulumi.export("size_type", toy.size_type)
pulumi.export("key_present", toy.configured_key_present)
pulumi.export("summary", pulumi.Output.all(toy.id, toy.label).apply(lambda v: f"{v[0]}/{v[1]}"))
pulumi.export("provider_blob", getattr(toy, "__provider"))
"""


def write_program(tmp_path: Path, source: str) -> Path:
    program = tmp_path / "__main__.py"
    program.write_text(textwrap.dedent(source))
    return program


def test_program_under_set_mocks_goes_through_the_server(tmp_path: Path, server: ProviderServer) -> None:
    mocks = ProviderServerMocks(server)

    exports = run_program(write_program(tmp_path, PROGRAM), mocks, config={"size": "42"})

    assert exports["toy_id"] == "toy-42"
    assert exports["size_type"] == "float"  # computed by the provider in the server process
    assert exports["key_present"] is True
    assert exports["summary"] == "toy-42/from-program"
    assert "provider_blob" in exports.secret_keys  # __provider stays secret, as with the engine
    [registration] = mocks.registrations
    assert registration.operation == "create"
    assert registration.urn == "urn:pulumi:dev::quickstart::pulumi-python:dynamic/toy:Toy::answer"
    assert "toy[default] creating size=42" in server.log_text()


def test_program_preview_only_checks(tmp_path: Path, server: ProviderServer) -> None:
    mocks = ProviderServerMocks(server)

    exports = run_program(write_program(tmp_path, PROGRAM), mocks, config={"size": "8"}, preview=True)

    assert exports["toy_id"] == UNKNOWN
    assert exports["size_type"] == UNKNOWN
    assert exports["summary"] == UNKNOWN
    assert [r.operation for r in mocks.registrations] == ["preview"]


def test_program_check_failure_fails_the_run(tmp_path: Path, server: ProviderServer) -> None:
    mocks = ProviderServerMocks(server)

    with pytest.raises(CheckFailedError, match="size: size must be >= 0, got -1"):
        run_program(write_program(tmp_path, PROGRAM), mocks, config={"size": "-1"})


def test_create_refuses_unknowns(server: ProviderServer, provider: str) -> None:
    with pytest.raises(ValueError, match="only sends unknowns to Check and Diff"):
        server.create(TOY_URN, props(provider, size=UNKNOWN))
