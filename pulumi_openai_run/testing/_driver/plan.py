"""The engine's step decisions, pure: what a registration becomes given the state and the provider's Diff,
what is deleted at the end, and in which order.

* no state entry: ``create``;
* a state entry, Diff says no change: ``same``; changes with keys that force a replacement: ``replace``
  (create the new one, then delete the old one at the end, unless Diff asks ``deleteBeforeReplace``: then
  delete it first); other changes: ``update``. A Diff that cannot tell (``unknown``) is an ``update`` when the
  checked inputs differ from the state's, ``same`` when they do not (the engine's own comparison);
* every state entry the program no longer registers, and every old half of a create-before-delete
  replacement, is deleted after the program, newest first (reverse registration order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .._engine.calls import DiffOutcome
from .render import Op, changed_keys
from .state import ResourceState


@dataclass(frozen=True)
class Decision:
    op: Literal["create", "same", "update", "replace"]
    delete_first: bool = False
    replaces: tuple[str, ...] = ()


def decide(old: ResourceState | None, diff: DiffOutcome | None, new_inputs: Mapping[str, Any]) -> Decision:
    """What to do with one registration: ``diff`` is the provider's answer (None when there is no ``old``)."""
    if old is None or diff is None:
        return Decision("create")
    if diff.changes == "none":
        return Decision("same")
    if diff.replaces:
        return Decision("replace", diff.delete_before_replace, tuple(diff.replaces))
    if diff.changes == "some" or changed_keys(old.inputs, new_inputs):
        return Decision("update")
    return Decision("same")


def deletions(state: Sequence[ResourceState], registered: set[str],
              replaced: Sequence[ResourceState] = ()) -> list[ResourceState]:
    """What the end of an update deletes, newest first: the old halves of create-before-delete replacements
    (as ``replaced`` holds them: same urn and id as their state entry), old halves an earlier update left
    pending (a later entry of a urn the state already has: the first one is the live one), and the resources
    the program no longer registers."""
    halves = {(r.urn, r.id): r for r in replaced}
    seen: set[str] = set()
    ordered = []
    for r in state:
        pending = r.urn in seen
        seen.add(r.urn)
        if r.urn not in registered or (r.urn, r.id) in halves or pending:
            ordered.append(halves.get((r.urn, r.id), r))
    return list(reversed(ordered))


@dataclass
class Step:
    """One step shown and counted: its operation, the resource, and what changed."""

    op: Op
    urn: str
    type: str
    name: str
    olds: dict[str, Any] = field(default_factory=dict)
    news: dict[str, Any] = field(default_factory=dict)
    replaces: tuple[str, ...] = ()
    error: str | None = None
    original: bool = False
    """A replaced resource's old half being deleted: shown, not counted (the replacement is)."""


def counts(steps: Sequence[Step]) -> tuple[dict[str, int], int]:
    """Per-operation counts of the steps that succeeded, and how many were unchanged."""
    done: dict[str, int] = {}
    unchanged = 0
    for step in steps:
        if step.error is not None or step.original:
            continue
        if step.op == "same":
            unchanged += 1
        else:
            done[step.op] = done.get(step.op, 0) + 1
    return done, unchanged


def new_state_order(previous: Sequence[ResourceState], current: Sequence[ResourceState]) -> list[ResourceState]:
    """The state after an update: the program's resources in this run's registration order, then every old
    entry still present that is not one of them (by urn and id: a resource not deleted because the update
    failed, an old half of a replacement whose delete failed or did not run), in its old order."""
    kept = {(r.urn, r.id) for r in current}
    return [*current, *(r for r in previous if (r.urn, r.id) not in kept)]
