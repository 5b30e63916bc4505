"""Each API a Run can run on: its backend is where its Api record says, and implements the backend interface."""

from __future__ import annotations

import importlib
import inspect

import pytest

from pulumi_openai_run._apis import APIS, api_for
from pulumi_openai_run._runs.backend import RunBackend

INTERFACE = [name for name, _ in inspect.getmembers(RunBackend, inspect.isfunction) if not name.startswith("_")]


@pytest.mark.parametrize("name", list(APIS))
def test_the_backend_named_by_each_api_implements_the_interface(name: str) -> None:
    module, _, cls_name = APIS[name].backend_class.partition(":")
    backend = getattr(importlib.import_module(module), cls_name)
    assert sorted(["cancel", "delete_stored", "details", "earlier", "follow", "get", "set_metadata",
                   "start"]) == INTERFACE
    for method in INTERFACE:
        ours = inspect.signature(getattr(RunBackend, method)).parameters
        theirs = inspect.signature(getattr(backend, method)).parameters
        assert list(theirs) == list(ours), f"{cls_name}.{method}"
    assert {"queued", "in_progress"} <= backend.active and "completed" in backend.succeeded


@pytest.mark.parametrize("name", list(APIS))
def test_an_explicit_api_is_chosen_whatever_the_ids(name: str) -> None:
    assert api_for({"api": name, "thread_id": "t-1"}).name == name
