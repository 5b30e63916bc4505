"""The serialized provider (`__provider` in state): small, identical every time, never the key."""

from __future__ import annotations

import base64
import subprocess
import sys

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_openai_run import AssistantProvider, MessageProvider, RunProvider, ThreadProvider
from pulumi_openai_run._objects.provider import ApiObjectProvider

SCRIPT = (
    "from pulumi.dynamic.dynamic import serialize_provider as s\n"
    "from pulumi_openai_run import RunProvider as P\n"
    "print(s(P()))"
)


@pytest.mark.slow
def test_small_and_identical_from_one_program_run_to_the_next() -> None:
    blobs = {subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
             for _ in range(2)}
    assert len(blobs) == 1
    assert len(blobs.pop().strip()) < 1024


def test_a_configured_provider_pickles_without_its_config() -> None:
    provider = RunProvider()
    provider.configure(ConfigureRequest(Config({"openai:apiKey": "sk-very-secret-key"}, "proj")))
    blob = serialize_provider(provider)
    assert blob == serialize_provider(RunProvider())
    assert b"sk-very-secret-key" not in base64.b64decode(blob)
    restored = dill.loads(base64.b64decode(blob))
    assert isinstance(restored, RunProvider)


@pytest.mark.slow
def test_importing_the_package_does_not_import_openai() -> None:
    code = "import sys, pulumi_openai_run; print('openai' in sys.modules, 'httpx2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


OBJECT_PROVIDERS = (AssistantProvider, ThreadProvider, MessageProvider)
OBJECTS_SCRIPT = (
    "from pulumi.dynamic.dynamic import serialize_provider as s\n"
    "from pulumi_openai_run import AssistantProvider, MessageProvider, ThreadProvider\n"
    "print(*(s(P()) for P in (AssistantProvider, ThreadProvider, MessageProvider)))"
)


@pytest.mark.slow
def test_the_object_providers_are_small_and_identical_from_one_program_run_to_the_next() -> None:
    runs = {subprocess.run([sys.executable, "-c", OBJECTS_SCRIPT], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)}
    assert len(runs) == 1
    blobs = runs.pop().split()
    assert len(blobs) == 3 and len(set(blobs)) == 3 and all(len(blob) < 1024 for blob in blobs)


@pytest.mark.parametrize("cls", OBJECT_PROVIDERS, ids=lambda cls: cls.__name__)
def test_a_configured_object_provider_pickles_without_its_config(cls: type[ApiObjectProvider]) -> None:
    provider = cls()
    provider.configure(ConfigureRequest(Config({"openai:apiKey": "sk-very-secret-key"}, "proj")))
    blob = serialize_provider(provider)
    assert blob == serialize_provider(cls())
    assert b"sk-very-secret-key" not in base64.b64decode(blob)
    assert isinstance(dill.loads(base64.b64decode(blob)), cls)
