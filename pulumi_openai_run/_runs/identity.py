"""Which create a run belongs to: the marker every create puts in the run's metadata.

The marker is derived, not drawn at random, so that a ``pulumi up`` that was killed mid-create (the engine
then only warns of a pending create, and creates again) finds the run its predecessor started instead of
starting and billing a second one. It is made of:

* the **step**: the resource's identity (``<project>/<stack>/<resource name>``, or
  ``<project>/<stack>/<parent type>::<parent name>/<resource name>`` for a Run inside a component, which the
  ``Run`` class sends as the hidden input ``__identity``) and its **generation** (``__generation``, which check derives
  from the prior state: 0 for a resource the state does not hold, one more than the prior state's
  otherwise). Two creates with the same step are attempts at the same create of the same resource;
* a hash of the inputs that force a new run (``on change: new run`` in the field table).

Contract:

* a run whose token equals the marker's was made by an earlier attempt at this very create, with these
  inputs, and no state records it: it may be adopted;
* a run of the same step with another token was made by an earlier attempt with other inputs (the program
  changed between a killed ``up`` and the next), which no state records either: it is stopped, not adopted;
* a replacement (changed inputs, ``--replace``, ``replace_on_changes``) has a higher generation than any
  run the state records, so it never adopts nor stops the recorded run.

Without an identity (a provider used directly, not through the ``Run`` class) the marker is random: nothing
is ever adopted. A resource recorded before markers were derived (or imported) has no generation to count
from: its next create gets one derived from its recorded inputs, which no earlier run's marker has.

What the marker cannot tell: a resource destroyed (or removed from the program, or dropped with ``pulumi
state delete``) and created again starts at generation 0 again, as its first lifetime did. So a *finished*
run is adopted only when the local journal names it (its entry exists only while a create is in flight, or
after one was killed); runs found by listing a thread are adopted only while still active. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_openai_run.schema.table import Field, comparable, inputs_of

IDENTITY_KEY = "__identity"
"""Hidden input: ``<project>/<stack>/<resource name>``, sent by the ``Run`` class. Pulumi hides ``__`` keys
from its diff display, and ``diff`` ignores them."""
GENERATION_KEY = "__generation"
"""Hidden input: the create generation, written by check from the prior state (a string of digits, or
``x<hex>`` when the prior state had none to count from)."""
HIDDEN_KEYS = (IDENTITY_KEY, GENERATION_KEY)


def identity_of(project: str, stack: str, resource_name: str) -> str:
    return f"{project}/{stack}/{resource_name}"


def next_generation(olds: Mapping[str, Any]) -> str:
    """The generation of the next create of a resource whose prior inputs are ``olds`` (empty: none)."""
    if not any(key for key in olds if key not in ("__provider",)):
        return "0"
    previous = olds.get(GENERATION_KEY)
    if isinstance(previous, str) and previous.isdigit():
        return str(int(previous) + 1)
    # a resource recorded without a generation (imported, or created before markers were derived): no count
    # to go on, so a value of its own, which no derived marker of a run the state records has; the same for
    # every check of the same prior state, so that a killed replacement is still found by the next attempt
    recorded = {key: value for key, value in olds.items() if key != "__provider"}
    return "x" + _digest(json.dumps(recorded, sort_keys=True, default=str, separators=(",", ":")))[:12]


def hidden_inputs(props: Mapping[str, Any]) -> dict[str, str]:
    """The hidden inputs in ``props``, to be kept in state beside the others."""
    return {key: props[key] for key in HIDDEN_KEYS if isinstance(props.get(key), str)}


@dataclass(frozen=True)
class CreateMarker:
    step: str
    """Which create of which resource: a digest of the identity, and the generation."""
    inputs: str
    """A digest of the inputs that force a new run."""
    derived: bool
    """False for a random marker (no identity): nothing may be adopted by it."""

    @property
    def token(self) -> str:
        return f"{self.step}.{self.inputs}"

    def same_step(self, token: object) -> bool:
        """Whether ``token`` (a run's marker) belongs to an attempt at this create, with any inputs."""
        return self.derived and isinstance(token, str) and token.partition(".")[0] == self.step

    def mine(self, token: object) -> bool:
        """Whether ``token`` is this very marker (an earlier attempt at this create, with these inputs)."""
        return self.derived and token == self.token


def marker_for(fields: Iterable[Field], props: Mapping[str, Any]) -> CreateMarker:
    """The marker of a create with inputs ``props`` (hidden inputs included)."""
    forcing = {f.name: comparable(f, props.get(f.name)) for f in inputs_of(fields) if f.on_change == "replace"}
    inputs = _digest(json.dumps(forcing, sort_keys=True, default=str, separators=(",", ":")))
    identity, generation = props.get(IDENTITY_KEY), props.get(GENERATION_KEY)
    if not isinstance(identity, str) or not identity or not isinstance(generation, str) or not generation:
        return CreateMarker(step="r" + secrets.token_hex(8), inputs=inputs, derived=False)
    return CreateMarker(step=f"{_digest(identity)}-{generation}", inputs=inputs, derived=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
