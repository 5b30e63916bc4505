"""The stack's state: one JSON file per stack, what the engine's checkpoint holds for the driver.

Each resource: its urn, type, name, id, the checked inputs and the outputs the provider returned, in
registration order (deletes run in reverse). Secret config values never reach the file: every string holding
one is stored masked (``[secret]``), and the property it was in gets a salted digest of its real value, so that
the next run can tell an unchanged secret (the program's new value has the same digest: the old value is taken
to be it) from a changed one (the masked old value stays, and the provider sees a change). Numbers are stored
as the program gave them: an integral float (protobuf made it one) becomes an integer again.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import MASK
from .render import normalise

FORMAT = 1


@dataclass
class ResourceState:
    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    masked: dict[str, str] = field(default_factory=dict)
    """``inputs.<property>`` / ``outputs.<property>`` -> the digest of its real value, for every top-level
    property stored masked (see :func:`side`)."""


@dataclass
class StackState:
    stack: str
    project: str
    resources: list[ResourceState] = field(default_factory=list)
    salt: str = field(default_factory=lambda: secrets.token_hex(16))

    def find(self, urn: str) -> ResourceState | None:
        return next((r for r in self.resources if r.urn == urn), None)

    def digest(self, value: Any) -> str:
        text = json.dumps(normalise(value), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(f"{self.salt}:{text}".encode()).hexdigest()


def side(masked: Mapping[str, str], which: str) -> dict[str, str]:
    """The digests of one side (``inputs`` or ``outputs``) of a :attr:`ResourceState.masked`, by property."""
    prefix = f"{which}."
    return {key[len(prefix):]: digest for key, digest in masked.items() if key.startswith(prefix)}


def _mask_value(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, Mapping):
        return {k: _mask_value(v, mask) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_value(v, mask) for v in value]
    return value


def masked_resource(state: StackState, resource: ResourceState, mask: Callable[[str], str]) -> ResourceState:
    """``resource`` as it may be written: secret values masked, a digest for each property that held one."""
    digests = dict(resource.masked)

    def props(values: Mapping[str, Any], which: str) -> dict[str, Any]:
        out = {}
        for key, value in values.items():
            hidden = _mask_value(normalise(value), mask)
            if hidden != normalise(value):
                digests[f"{which}.{key}"] = state.digest(value)
            out[key] = hidden
        return out

    inputs, outputs = props(resource.inputs, "inputs"), props(resource.outputs, "outputs")
    return ResourceState(resource.urn, resource.type, resource.name, resource.id, inputs, outputs, digests)


def unmasked(state: StackState, props: Mapping[str, Any], masked: Mapping[str, str],
             news: Mapping[str, Any]) -> dict[str, Any]:
    """Stored ``props`` with each masked property whose real value is the program's new one (same digest)
    given that value back; any other stays masked (the provider then sees it changed)."""
    out = dict(props)
    for key, digest in masked.items():
        if key in out and key in news and state.digest(news[key]) == digest:
            out[key] = news[key]
    return out


def _with_secret(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return value.replace(MASK, secret)
    if isinstance(value, Mapping):
        return {k: _with_secret(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_secret(v, secret) for v in value]
    return value


def unmasked_by_secrets(state: StackState, props: Mapping[str, Any], masked: Mapping[str, str],
                        secrets: Iterable[str]) -> dict[str, Any]:
    """Stored ``props`` with each masked property given back its real value when one of the stack's secret
    values, put where the mask is, has the stored digest (for the steps that run without the program:
    refresh, destroy); any other stays masked."""
    out = dict(props)
    candidates = sorted(set(secrets), key=len, reverse=True)
    for key, digest in masked.items():
        if key not in out:
            continue
        for secret in candidates:
            value = _with_secret(out[key], secret)
            if state.digest(value) == digest:
                out[key] = value
                break
    return out


def is_masked_copy(stored: Any, value: Any, mask: Callable[[str], str]) -> bool:
    """Whether ``stored`` (as the state file holds it) is ``value`` with its secrets masked."""
    return bool(normalise(stored) == _mask_value(normalise(value), mask))


def load(path: Path, stack: str, project: str) -> StackState:
    """The stack's state from ``path`` (an empty one if there is no file); ``ValueError`` naming the file if it
    is not a state file of this driver, or belongs to another project or stack."""
    if not path.exists():
        return StackState(stack, project)
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: not a readable state file ({error}); move it away to start the stack "
                         "afresh") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path}: not a state file of format {FORMAT}; move it away to start the stack afresh")
    if document.get("project") != project or document.get("stack") != stack:
        raise ValueError(f"{path}: holds stack {document.get('stack')!r} of project {document.get('project')!r}, "
                         f"not {stack!r} of {project!r}; pass --state-dir or --stack for this one")
    resources = [ResourceState(r["urn"], r["type"], r["name"], r["id"], dict(r["inputs"]), dict(r["outputs"]),
                               dict(r.get("masked", {}))) for r in document.get("resources", [])]
    return StackState(stack, project, resources, str(document.get("salt") or secrets.token_hex(16)))


def save(path: Path, state: StackState, mask: Callable[[str], str]) -> None:
    """Write ``state`` to ``path`` atomically (a temp file renamed over it), secrets masked."""
    document = {
        "format": FORMAT,
        "project": state.project,
        "stack": state.stack,
        "salt": state.salt,
        "resources": [
            {"urn": r.urn, "type": r.type, "name": r.name, "id": r.id, "inputs": r.inputs, "outputs": r.outputs,
             "masked": r.masked}
            for r in (masked_resource(state, resource, mask) for resource in state.resources)
        ],
    }
    write_json(path, document)


def write_json(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    os.replace(temporary, path)
