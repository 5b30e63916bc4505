"""The create journal: which run a create started, written the moment its id is known, on local disk.

A ``pulumi up`` killed mid-wait (SIGKILL, a crash, a closed laptop) leaves a run that no state records. On
the Assistants API the next attempt can find it among the thread's runs by its marker; the Responses API
cannot list responses, so the id itself must survive the process. The journal keeps, per create marker,
the run's id and thread from the moment the API names it until the create returns (then the engine's state
records it, and the entry is removed). The next attempt at the same create reads it back and checks the
run's own marker before adopting anything, so a stale or foreign entry can never make a run adopt the
wrong one.

Where: ``$PULUMI_OPENAI_RUN_JOURNAL`` if set, else ``$PULUMI_HOME/openai-run/creates`` (``~/.pulumi`` when
``PULUMI_HOME`` is unset). One small JSON file per marker, written atomically; entries older than
:data:`KEEP_FOR` are pruned. The journal is a safety net: if it cannot be written (a read-only home), the
create goes on, and the Assistants API still finds its runs by marker.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from pulumi_openai_run._runs.identity import CreateMarker

JOURNAL_ENV = "PULUMI_OPENAI_RUN_JOURNAL"
KEEP_FOR = 14 * 24 * 3600.0
"""Seconds an entry is kept at most (a run never lives that long; an entry that old is an orphan's)."""


@dataclass(frozen=True)
class Entry:
    token: str
    run_id: str
    thread_id: str | None
    api: str


def default_directory() -> Path:
    configured = os.environ.get(JOURNAL_ENV)
    if configured:
        return Path(configured)
    home = os.environ.get("PULUMI_HOME") or os.path.join(os.path.expanduser("~"), ".pulumi")
    return Path(home) / "openai-run" / "creates"


class Journal:
    """The entries of one directory; safe to share between threads and processes (atomic files)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else default_directory()

    def record(self, marker: CreateMarker, api: str, run_id: str, thread_id: str | None) -> None:
        """Note that the create ``marker`` started ``run_id``. Only derived markers are worth keeping."""
        if not marker.derived:
            return
        entry = {"token": marker.token, "run_id": run_id, "thread_id": thread_id, "api": api, "at": time.time()}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".entry-", suffix=".tmp")
            with os.fdopen(handle, "w") as file:
                json.dump(entry, file)
            os.replace(temporary, self._path(marker.token))
            self._prune()
        except OSError as error:
            warnings.warn(f"pulumi-openai-run could not write its create journal in {self.directory} ({error}); "
                          "a pulumi up killed while this run is awaited may not find it again.", stacklevel=2)

    def entries(self, marker: CreateMarker) -> list[Entry]:
        """Every entry of the same create step as ``marker`` (its own first, if any)."""
        if not marker.derived:
            return []
        found: list[Entry] = []
        try:
            paths = sorted(self.directory.glob(f"{marker.step}.*.json"))
        except OSError:
            return []
        for path in paths:
            try:
                data = json.loads(path.read_text())
                found.append(Entry(str(data["token"]), str(data["run_id"]), data.get("thread_id"), str(data["api"])))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sorted(found, key=lambda entry: entry.token != marker.token)

    def forget(self, token: str) -> None:
        with contextlib.suppress(OSError):
            self._path(token).unlink(missing_ok=True)

    def _path(self, token: str) -> Path:
        return self.directory / f"{token}.json"

    def _prune(self) -> None:
        horizon = time.time() - KEEP_FOR
        for path in self.directory.glob("*.json"):
            try:
                if path.stat().st_mtime < horizon:
                    path.unlink(missing_ok=True)
            except OSError:
                continue
