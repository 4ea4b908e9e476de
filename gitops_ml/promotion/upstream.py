"""What the upstream environment's target says about a version: live since, healthy."""

from __future__ import annotations

from pathlib import Path

from gitops_ml.errors import GitopsError
from gitops_ml.promotion.gates import UpstreamObservation, parse_time
from gitops_ml.reconcile import engine
from gitops_ml.reconcile.objects import Observation
from gitops_ml.reconcile.status import classify
from gitops_ml.spec.repo import RepoSpec
from gitops_ml.targets.base import Options


def observe_upstream(
    root: Path, spec: RepoSpec, environment: str, model: str, version: str
) -> UpstreamObservation:
    """Observe ``environment``'s target through the Target Protocol."""
    try:
        session = engine.open_session(
            root, environment, spec.source.commit_sha, Options(), spec
        )
        desired = session.target.desired()
        observed = session.target.observe()
    except GitopsError as exc:
        return UpstreamObservation(
            environment, False, False, None, f"cannot observe {environment}: {exc}"
        )
    env = session.context.environment
    state = classify(environment, spec.source.commit_sha, desired, observed, env.prune)
    return summarize(environment, model, version, observed, state.state == "in sync")


def summarize(
    environment: str, model: str, version: str, observed: Observation, in_sync: bool
) -> UpstreamObservation:
    objects = [
        o
        for o in observed.objects
        if o.managed and (o.model, o.version) == (model, version)
    ]
    if not objects:
        return UpstreamObservation(
            environment, in_sync, False, None, f"{model} {version} does not run there"
        )
    healthy = all(o.state == "ready" for o in objects)
    times = [parse_time(o.applied_at) for o in objects if o.applied_at]
    live_since = max(times) if healthy and len(times) == len(objects) else None
    words = [
        "in sync" if in_sync else "not in sync",
        "healthy" if healthy else "unhealthy",
    ]
    return UpstreamObservation(
        environment, in_sync, healthy, live_since, ", ".join(words)
    )
