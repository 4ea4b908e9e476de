"""The reconciler's steps, each short: read desired, observe, diff, apply, record.

Nothing here knows a target type: targets come from ``targets.open_target``.
"""

from __future__ import annotations

import getpass
import logging
import os
import socket
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gitops_ml import gitrepo
from gitops_ml.errors import InputError
from gitops_ml.reconcile import revisions
from gitops_ml.reconcile.objects import (
    Action,
    ApplyResult,
    DesiredObject,
    Held,
    Observation,
    ObservedObject,
    Plan,
)
from gitops_ml.reconcile.status import EnvironmentStatus, classify
from gitops_ml.spec.repo import RepoSpec
from gitops_ml.targets import open_target
from gitops_ml.targets.base import Options, Target, TargetContext
from gitops_ml.workspace import load_revision

log = logging.getLogger("gitops_ml")


@dataclass
class Session:
    """One environment at one revision, with its target opened."""

    context: TargetContext
    target: Target

    @property
    def name(self) -> str:
        return self.context.environment.name


@dataclass
class DriftReport:
    environment: str
    drifted: list[ObservedObject] = field(default_factory=list)
    repaired: ApplyResult | None = None


def holder() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()} pid {os.getpid()}"


def open_session(
    root: Path,
    environment: str,
    revision: str,
    options: Options,
    spec: RepoSpec | None = None,
) -> Session:
    spec = spec or load_revision(root, revision)
    env = spec.environment(environment)
    sha = spec.source.commit_sha
    context = TargetContext(root, spec, env, sha, holder(), options)
    return Session(context, open_target(context))


def make_plan(session: Session, observed: Observation | None = None) -> Plan:
    desired = session.target.desired()
    observed = observed or session.target.observe()
    plan = Plan(
        session.name, session.context.environment.target_type, session.context.revision
    )
    plan.actions = session.target.plan(desired, observed)
    plan.notes = list(getattr(session.target, "notes", []))
    plan.held = _held(session, desired, observed, plan.actions)
    plan.unreachable = [site for site in observed.sites if not site.reachable]
    return plan


def preview(session: Session) -> Plan:
    """The plan ``plan`` prints: make_plan, plus a note when apply would refuse."""
    observed = session.target.observe()
    plan = make_plan(session, observed)
    repo = gitrepo.open_repo(session.context.root)
    problem = revisions.older_than_running(repo, session.context.revision, observed)
    if problem is not None:
        plan.notes.append(f"{problem.message}: apply would refuse it without --force")
    return plan


def _held(
    session: Session,
    desired: list[DesiredObject],
    observed: Observation,
    actions: list[Action],
) -> list[Held]:
    """Desired objects left out of the plan because their spec failed before."""
    if session.context.options.retry_failed:
        return []
    planned = {a.key for a in actions}
    current = observed.by_key()
    held = []
    for want in desired:
        failure = observed.failure(want.key, want.spec_hash)
        have = current.get(want.key)
        if failure is None or want.key in planned or _runs(want, have):
            continue
        held.append(
            Held(
                want.site,
                want.name,
                want.model,
                want.version,
                failure.revision,
                failure.message,
            )
        )
    return held


def _runs(want: DesiredObject, have: ObservedObject | None) -> bool:
    """True when the target already runs ``want``, healthy and as applied."""
    return (
        have is not None
        and have.spec_hash == want.spec_hash
        and have.state == "ready"
        and not have.drifted
    )


def apply(session: Session) -> ApplyResult:
    """Make the target match Git at the session's revision, under the lease."""
    context = session.context
    with session.target.lease():
        observed = session.target.observe()
        _check_revision(context, observed)
        plan = make_plan(session, observed)
        _check_destroy(session, plan)
        if not plan.actions:
            return ApplyResult(plan)
        log.info(
            "applying env=%s revision=%s actions=%d",
            session.name,
            context.revision[:7],
            len(plan.actions),
        )
        return ApplyResult(plan, session.target.apply(plan))


def _check_revision(context: TargetContext, observed: Observation) -> None:
    if context.options.force:
        return
    repo = gitrepo.open_repo(context.root)
    settings = context.spec.settings
    revisions.check_on_branch(
        repo, context.revision, settings.deploy_branch, settings.remote
    )
    revisions.check_not_older(repo, context.revision, observed)


def _check_destroy(session: Session, plan: Plan) -> None:
    deletes = [a for a in plan.actions if a.op == "delete"]
    if not deletes or session.context.options.allow_destroy:
        return
    if len(deletes) == len(plan.actions) and not session.target.desired():
        raise InputError(
            f"this apply would empty environment '{session.name}' "
            f"({len(deletes)} objects deleted)",
            hint="pass --allow-destroy if that is what you want",
        )


def status(session: Session) -> EnvironmentStatus:
    desired = session.target.desired()
    observed = session.target.observe()
    result = classify(
        session.name,
        session.context.revision,
        desired,
        observed,
        session.context.environment.prune,
    )
    holder = lease_holder(session.target)
    if holder is not None:
        result.applying(holder)
    return result


def lease_holder(target: Target) -> str | None:
    """Who holds the target's lease now, for targets that can tell (else None)."""
    ask: Callable[[], str | None] | None = getattr(target, "lease_holder", None)
    return ask() if ask is not None else None


def drift(session: Session) -> tuple[DriftReport, Observation]:
    """Objects that differ from what was applied to them (not from HEAD)."""
    observed = session.target.observe()
    report = DriftReport(
        session.name, [o for o in observed.objects if o.managed and o.drifted]
    )
    return report, observed


def repair(root: Path, report: DriftReport, options: Options) -> ApplyResult:
    """Put each drifted object back to the spec recorded at its own revision."""
    by_revision: dict[str, list[ObservedObject]] = defaultdict(list)
    for obj in report.drifted:
        if obj.revision:
            by_revision[obj.revision].append(obj)
    combined: ApplyResult | None = None
    for revision, objects in sorted(by_revision.items()):
        session = open_session(root, report.environment, revision, options)
        keys = {o.key for o in objects}
        with session.target.lease():
            observed = session.target.observe()
            wanted = [d for d in session.target.desired() if d.key in keys]
            plan = Plan(
                report.environment,
                session.context.environment.target_type,
                revision,
                _repair_actions(wanted, observed),
            )
            result = ApplyResult(plan, session.target.apply(plan))
        if combined is None:
            combined = result
        else:
            combined.plan.actions += plan.actions
            combined.steps += result.steps
    return combined or ApplyResult(Plan(report.environment, "", ""))


def _repair_actions(wanted: list[DesiredObject], observed: Observation) -> list[Action]:
    current = observed.by_key()
    return [
        Action(
            "repair",
            d.site,
            d.name,
            "restore what was applied",
            desired=d,
            observed=current.get(d.key),
        )
        for d in wanted
    ]
