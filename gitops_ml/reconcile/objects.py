"""The reconciler's vocabulary: desired and observed objects, actions, plans, results.

An *object* is one thing a target runs for one deployment at one site: a version folder
in a model repository, a container on a Docker host, a deployment under an Azure ML
endpoint.  ``site`` is the host or endpoint it lives on ("" for single-site targets);
``name`` is unique within the site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gitops_ml.reconcile.hashing import spec_hash

ObjectState = Literal["ready", "progressing", "failed", "missing", "unknown"]
# "wait": the service is still working on an object; apply waits for it, then goes on
Op = Literal["create", "update", "shift", "delete", "repair", "wait"]
SyncState = Literal["in sync", "behind", "drifted", "failed", "in progress", "unknown"]


@dataclass(frozen=True)
class DesiredObject:
    """What Git says one object must be at one revision."""

    site: str
    name: str
    model: str
    version: str
    spec: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.site, self.name)

    @property
    def spec_hash(self) -> str:
        return spec_hash(self.spec)


@dataclass(frozen=True)
class ObservedObject:
    """What a target holds for one object, with the record left by the last apply.

    ``spec_hash`` and ``revision`` are what the last apply recorded on the object;
    ``actual_hash`` is computed from what is there now (None when the target can only
    trust the record).  A difference between the two is drift.
    """

    site: str
    name: str
    model: str
    version: str
    revision: str | None
    spec_hash: str | None
    actual_hash: str | None = None
    state: ObjectState = "ready"
    detail: str = ""
    applied_at: str | None = None
    managed: bool = True
    spec: dict[str, Any] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.site, self.name)

    @property
    def drifted(self) -> bool:
        if self.state == "missing":
            return True
        return self.actual_hash is not None and self.actual_hash != self.spec_hash


@dataclass(frozen=True)
class FailureRecord:
    """A spec that failed its health check at a revision; held until it changes."""

    site: str
    name: str
    spec_hash: str
    revision: str
    message: str


@dataclass(frozen=True)
class SiteStatus:
    """Whether one site could be reached, and when it last was."""

    site: str
    reachable: bool
    last_reached: str | None = None
    detail: str = ""


@dataclass
class Observation:
    """Everything a target reported about one environment."""

    objects: list[ObservedObject] = field(default_factory=list)
    failures: list[FailureRecord] = field(default_factory=list)
    sites: list[SiteStatus] = field(default_factory=list)

    def by_key(self) -> dict[tuple[str, str], ObservedObject]:
        return {obj.key: obj for obj in self.objects}

    def failure(self, key: tuple[str, str], spec_hash: str) -> FailureRecord | None:
        for record in self.failures:
            if (record.site, record.name) == key and record.spec_hash == spec_hash:
                return record
        return None


@dataclass(frozen=True)
class Change:
    """One field that differs, for the plan's ``~`` lines."""

    field: str
    before: Any
    after: Any


@dataclass
class Action:
    """One ordered step of a plan, with the reason it is needed."""

    op: Op
    site: str
    name: str
    reason: str
    desired: DesiredObject | None = None
    observed: ObservedObject | None = None
    changes: list[Change] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.site, self.name)

    @property
    def model(self) -> str:
        source = self.desired or self.observed
        return source.model if source else ""

    @property
    def version(self) -> str:
        source = self.desired or self.observed
        return source.version if source else ""


@dataclass(frozen=True)
class Held:
    """A desired object apply will not touch: its spec failed before and is held."""

    site: str
    name: str
    model: str
    version: str
    revision: str
    message: str


@dataclass
class Plan:
    """The ordered actions that make one environment's target match Git."""

    environment: str
    target: str
    revision: str
    actions: list[Action] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # desired objects held back after failing: the target does not match Git
    held: list[Held] = field(default_factory=list)
    # sites that could not be reached: nothing is known, so nothing is planned there
    unreachable: list[SiteStatus] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.actions)

    @property
    def matches_git(self) -> bool:
        return not self.actions and not self.held and not self.unreachable


@dataclass
class StepResult:
    """The outcome of one applied action."""

    action: Action
    ok: bool
    message: str = ""
    rolled_back: bool = False
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ApplyResult:
    plan: Plan
    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def failed(self) -> list[StepResult]:
        return [step for step in self.steps if not step.ok]


@dataclass(frozen=True)
class EnvironmentFailure:
    """A command could not finish one environment; the others still ran."""

    environment: str
    target: str
    revision: str
    message: str
    hint: str
    exit_code: int
