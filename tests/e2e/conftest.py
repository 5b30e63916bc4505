"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_openai_run.testing import ExportCapturingMonitor


@pytest.fixture
def dependencies(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Each registered resource's name -> the names of the resources it depends on (as the engine sees it)."""
    seen: dict[str, set[str]] = {}
    register = ExportCapturingMonitor.RegisterResource

    def recording(self: ExportCapturingMonitor, request: Any) -> Any:
        seen[request.name] = {dependency.rsplit("::", 1)[1] for dependency in request.dependencies}
        return register(self, request)

    monkeypatch.setattr(ExportCapturingMonitor, "RegisterResource", recording)
    return seen
