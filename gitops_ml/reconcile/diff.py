"""The generic plan: compare desired objects with observed ones, key by key.

Targets whose objects are independent (a version folder, a container) use this as
their ``plan``; targets with cross-object rules (traffic maps) build on it.
"""

from __future__ import annotations

from typing import Any

from gitops_ml.reconcile.objects import (
    Action,
    Change,
    DesiredObject,
    Observation,
    ObservedObject,
)
from gitops_ml.targets.base import Options

OP_ORDER = {
    "create": 0,
    "update": 1,
    "repair": 2,
    "wait": 3,
    "shift": 4,
    "delete": 5,
}


def diff(
    desired: list[DesiredObject],
    observed: Observation,
    options: Options,
    prune: bool,
) -> tuple[list[Action], list[str]]:
    """Ordered actions and notes (objects kept because prune is off).

    A desired object whose spec failed before is left out (the engine reports it as
    held) unless ``options.retry_failed``.
    """
    actions: list[Action] = []
    notes: list[str] = []
    current = observed.by_key()
    for want in desired:
        have = current.pop(want.key, None)
        action = _compare(want, have)
        if action is None:
            continue
        failure = observed.failure(want.key, want.spec_hash)
        if failure and not options.retry_failed and action.op != "repair":
            continue  # held: the engine lists it in Plan.held
        actions.append(action)
    for have in current.values():
        if not have.managed:
            continue
        if prune:
            actions.append(
                Action(
                    "delete",
                    have.site,
                    have.name,
                    "no longer in Git (prune is on)",
                    observed=have,
                )
            )
        else:
            notes.append(
                f"{_label(have)} is no longer in Git; kept because prune is off"
            )
    actions.sort(key=lambda a: OP_ORDER[a.op])
    return actions, notes


def _compare(want: DesiredObject, have: ObservedObject | None) -> Action | None:
    if have is None or (have.state == "missing" and have.spec_hash is None):
        return Action(
            "create",
            want.site,
            want.name,
            "not on the target",
            desired=want,
            changes=_changes(None, want),
        )
    if have.spec_hash != want.spec_hash:
        return Action(
            "update",
            want.site,
            want.name,
            _update_reason(want, have),
            desired=want,
            observed=have,
            changes=_changes(have, want),
        )
    if have.drifted:
        reason = have.detail or "differs from what was applied"
        return Action(
            "repair",
            want.site,
            want.name,
            f"drifted: {reason}",
            desired=want,
            observed=have,
        )
    return None


def _update_reason(want: DesiredObject, have: ObservedObject) -> str:
    if have.version != want.version:
        return f"version {have.version} -> {want.version}"
    return "spec changed"


def _changes(have: ObservedObject | None, want: DesiredObject) -> list[Change]:
    before: dict[str, Any] = {}
    if have is not None:
        before = {"version": have.version, **_flatten(have.spec or {})}
    after = {"version": want.version, **_flatten(want.spec)}
    keys = sorted(set(before) | set(after), key=lambda k: (k != "version", k))
    return [
        Change(key, before.get(key), after.get(key))
        for key in keys
        if before.get(key) != after.get(key)
    ]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted leaf paths, so a plan shows just what changes."""
    if not isinstance(value, dict) or not value or "secretRef" in value:
        return {prefix: value} if prefix else {}
    flat: dict[str, Any] = {}
    for key, item in value.items():
        flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _label(obj: DesiredObject | ObservedObject) -> str:
    where = f"{obj.site}/" if obj.site else ""
    return f"{where}{obj.name} ({obj.model}@{obj.version})"
