"""Tell apart in sync, behind, drifted, failed and in progress, per object."""

from __future__ import annotations

from dataclasses import dataclass, field

from gitops_ml.reconcile.objects import (
    DesiredObject,
    Observation,
    ObservedObject,
    SiteStatus,
    SyncState,
)

# worst first: the environment takes the worst state of its objects
SEVERITY: tuple[SyncState, ...] = (
    "failed",
    "unknown",
    "in progress",
    "drifted",
    "behind",
    "in sync",
)


@dataclass
class ObjectStatus:
    site: str
    name: str
    model: str
    desired_version: str | None
    observed_version: str | None
    revision: str | None
    state: SyncState
    reason: str = ""


@dataclass
class EnvironmentStatus:
    environment: str
    desired_revision: str
    objects: list[ObjectStatus] = field(default_factory=list)
    sites: list[SiteStatus] = field(default_factory=list)
    # who holds the environment's lease: another process is applying right now
    lease_holder: str | None = None

    @property
    def state(self) -> SyncState:
        states = {o.state for o in self.objects}
        if any(not s.reachable for s in self.sites):
            states.add("unknown")
        if self.lease_holder:
            states.add("in progress")
        return next((s for s in SEVERITY if s in states), "in sync")

    def applying(self, holder: str) -> None:
        """Another process holds the lease: what differs is its apply at work."""
        self.lease_holder = holder
        for obj in self.objects:
            if obj.state in ("behind", "drifted"):
                obj.state = "in progress"
                obj.reason = f"an apply is running: {holder}"

    @property
    def applied_revisions(self) -> set[str]:
        """The revisions recorded on the target's objects."""
        return {o.revision for o in self.objects if o.revision}


def classify(
    environment: str,
    revision: str,
    desired: list[DesiredObject],
    observed: Observation,
    prune: bool,
) -> EnvironmentStatus:
    result = EnvironmentStatus(environment, revision, sites=observed.sites)
    current = observed.by_key()
    for want in desired:
        have = current.pop(want.key, None)
        state, reason = _state(want, have, observed)
        result.objects.append(
            ObjectStatus(
                want.site,
                want.name,
                want.model,
                want.version,
                have.version if have else None,
                have.revision if have else None,
                state,
                reason,
            )
        )
    for have in current.values():
        if not have.managed:
            continue
        extra: SyncState = "behind" if prune else "in sync"
        reason = "no longer in Git" + ("" if prune else " (kept: prune is off)")
        result.objects.append(
            ObjectStatus(
                have.site,
                have.name,
                have.model,
                None,
                have.version,
                have.revision,
                extra,
                reason,
            )
        )
    return result


def _state(
    want: DesiredObject, have: ObservedObject | None, observed: Observation
) -> tuple[SyncState, str]:
    missed = next(
        (s for s in observed.sites if s.site == want.site and not s.reachable), None
    )
    if missed is not None and want.site:
        return "unknown", f"site not reached: {missed.detail}"
    if have is not None and have.state == "progressing":
        return "in progress", have.detail or "the service is still working"
    failure = observed.failure(want.key, want.spec_hash)
    if failure is not None:
        return "failed", f"failed at {failure.revision[:7]}: {failure.message}"
    if have is not None and have.drifted:
        return "drifted", have.detail or "differs from what was applied"
    if have is None or have.spec_hash != want.spec_hash:
        return "behind", "Git has a newer desired state"
    return "in sync", ""
