"""Ordered actions per endpoint, in the order the service forces.

Endpoint first (no traffic), then deployments at 0 %, then the complete traffic map
(in canary steps when the endpoint has a rollout), deletes last.  Deployments the
service is still working on are waited for, never touched.
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
from gitops_ml.targets.azureml.desired import DeploymentSpec, Desired, EndpointSpec
from gitops_ml.targets.azureml.observe import TAG_HASH, TAG_MODEL, ObservedEndpoint

OP_ORDER = {"create": 0, "update": 1, "repair": 1, "wait": 2, "shift": 3, "delete": 4}


def plan_endpoints(
    desired: Desired,
    observed: dict[str, ObservedEndpoint],
    observation: Observation,
    keep_previous: bool,
    prune: bool,
    retry_failed: bool,
    notes: list[str],
) -> list[Action]:
    actions: list[Action] = []
    objects = observation.by_key()
    for endpoint in desired.endpoints:
        have = observed.get(endpoint.name)
        planner = _EndpointPlan(endpoint, have, objects, notes)
        actions += planner.plan(keep_previous, prune, retry_failed)
    return actions


class _EndpointPlan:
    def __init__(
        self,
        endpoint: EndpointSpec,
        have: ObservedEndpoint | None,
        objects: dict[tuple[str, str], ObservedObject],
        notes: list[str],
    ) -> None:
        self.endpoint = endpoint
        self.have = have
        self.objects = objects
        self.notes = notes
        self.blocked = False
        self.resume_pause = 0.0

    def plan(
        self, keep_previous: bool, prune: bool, retry_failed: bool
    ) -> list[Action]:
        actions: list[Action] = []
        if self.have is None:
            actions.append(self._endpoint_action("create", "not in the workspace"))
        for deployment in self.endpoint.deployments:
            action = self._deployment(deployment, retry_failed)
            if action is not None:
                actions.append(action)
        if self.blocked:
            return actions
        actions += self._shifts()
        actions += self._deletes(keep_previous, prune)
        actions.sort(key=lambda a: OP_ORDER[a.op])
        return actions

    # -- deployments -----------------------------------------------------------

    def _deployment(self, want: DeploymentSpec, retry_failed: bool) -> Action | None:
        have = self.have.deployments.get(want.name) if self.have else None
        observed = self.objects.get((self.endpoint.name, want.name))
        desired_obj = _desired_object(self.endpoint, want)
        if have is None:
            return Action(
                "create",
                self.endpoint.name,
                want.name,
                "new deployment, created at 0% traffic",
                desired=desired_obj,
                changes=_changes(None, _as_written(want)),
            )
        if have.busy:
            self.blocked = True
            return Action(
                "wait",
                self.endpoint.name,
                want.name,
                f"the service is still working on it ({have.state}); wait, then go on",
                desired=desired_obj,
                observed=observed,
            )
        recorded = have.tags.get(TAG_HASH)
        if have.failed and recorded == want.spec_hash and not retry_failed:
            self.blocked = True
            self.notes.append(
                f"{self.endpoint.name}/{want.name} failed to provision; traffic stays "
                "where it is until the desired state changes (or --retry-failed)"
            )
            return None
        if recorded != want.spec_hash or have.failed:
            reason = "spec changed" if recorded else "not deployed by gitops-ml yet"
            return Action(
                "update",
                self.endpoint.name,
                want.name,
                reason,
                desired=desired_obj,
                observed=observed,
                changes=_changes(have.spec, want.spec),
            )
        if have.spec != want.spec:
            return Action(
                "repair",
                self.endpoint.name,
                want.name,
                "drifted: changed outside gitops-ml (e.g. in the portal)",
                desired=desired_obj,
                observed=observed,
                changes=_changes(have.spec, want.spec),
            )
        return None

    # -- traffic ---------------------------------------------------------------

    def _shifts(self) -> list[Action]:
        want_live, want_mirror = self.endpoint.traffic, self.endpoint.mirror
        have = self.have
        live = have.traffic if have else {}
        mirror = have.mirror if have else {}
        settings_differ = have is not None and have.settings != self.endpoint.comparable
        if live == want_live and mirror == want_mirror:
            if settings_differ:
                return [self._endpoint_action("update", "endpoint settings changed")]
            return []
        target, steps = self._canary_steps(live, want_live)
        resume_pause = self.resume_pause
        actions = []
        for index, (traffic, pause) in enumerate(steps, start=1):
            last = index == len(steps)
            actions.append(
                Action(
                    "shift",
                    "",
                    self.endpoint.name,
                    _shift_reason(traffic, index, len(steps), pause),
                    changes=[Change("traffic", live, traffic)],
                    details={
                        "traffic": traffic,
                        "mirror": want_mirror if last else mirror,
                        "pause": 0.0 if last else pause,
                        "step": index,
                        "steps": len(steps),
                        "target": target,
                        "pause_before": resume_pause if index == 1 else 0.0,
                    },
                )
            )
            live = traffic
        return actions

    def _canary_steps(
        self, live: dict[str, int], final: dict[str, int]
    ) -> tuple[str, list[tuple[dict[str, int], float]]]:
        """The traffic maps to go through: canary steps, then the final map.

        The canary target is the one deployment that gets traffic and has none yet,
        or the one an interrupted rollout recorded on the endpoint.
        """
        recorded = self.have.rollout.get("target") if self.have else None
        new = [n for n, share in final.items() if share and not live.get(n)]
        if recorded in final and live.get(recorded):
            new = [recorded]
        old = {n: s for n, s in live.items() if n not in new}
        if len(new) != 1 or not self.endpoint.rollout or not old:
            return "", [(final, 0.0)]
        target, current = new[0], live.get(new[0], 0)
        steps: list[tuple[dict[str, int], float]] = []
        for step in self.endpoint.rollout:
            if step.traffic <= current:
                self.resume_pause = step.pause
                continue
            if step.traffic >= final[target]:
                break
            steps.append((_split(old, target, step.traffic), step.pause))
        return target, [*steps, (final, 0.0)]

    # -- deletes ---------------------------------------------------------------

    def _deletes(self, keep_previous: bool, prune: bool) -> list[Action]:
        if self.have is None:
            return []
        wanted = {d.name for d in self.endpoint.deployments}
        models = {d.model for d in self.endpoint.deployments}
        actions = []
        for name, have in sorted(self.have.deployments.items()):
            if name in wanted:
                continue
            observed = self.objects.get((self.endpoint.name, name))
            managed = observed is not None and observed.managed
            replaced = managed and have.tags.get(TAG_MODEL) in models
            if have.busy:
                self.notes.append(f"{self.endpoint.name}/{name} is busy; not deleted")
            elif replaced and keep_previous:
                self.notes.append(
                    f"{self.endpoint.name}/{name} kept at 0% (keepPrevious) for an "
                    "instant rollback"
                )
            elif replaced or (managed and prune):
                reason = "replaced by the new version" if replaced else "prune is on"
                actions.append(
                    Action(
                        "delete",
                        self.endpoint.name,
                        name,
                        f"no longer in Git ({reason}); deleted after traffic moved",
                        observed=observed,
                    )
                )
            else:
                why = "prune is off" if managed else "not created by gitops-ml"
                self.notes.append(
                    f"{self.endpoint.name}/{name} is not in Git; kept at 0% ({why})"
                )
        return actions

    def _endpoint_action(self, op: str, reason: str) -> Action:
        return Action(
            op,  # type: ignore[arg-type]
            "",
            self.endpoint.name,
            reason,
            details={"settings": self.endpoint.settings},
        )


def _desired_object(endpoint: EndpointSpec, want: DeploymentSpec) -> DesiredObject:
    return DesiredObject(endpoint.name, want.name, want.model, want.version, want.spec)


def _as_written(want: DeploymentSpec) -> dict[str, Any]:
    """A new deployment as the user wrote it (the defaults stay out of the plan)."""
    settings = {k: v for k, v in want.settings.items() if k != "environment"}
    written = {"model": want.model_asset, "environment": want.environment_asset}
    return {**written, "settings": settings}


def _split(old: dict[str, int], target: str, share: int) -> dict[str, int]:
    """Give ``target`` ``share``; the rest keep their proportions."""
    rest = 100 - share
    total = sum(old.values()) or 1
    exact = {n: s * rest / total for n, s in old.items()}
    result = {n: int(v) for n, v in exact.items()}
    leftover = rest - sum(result.values())
    for name in sorted(exact, key=lambda n: exact[n] - result[n], reverse=True)[
        :leftover
    ]:
        result[name] += 1
    result[target] = share
    return {n: s for n, s in result.items() if s}


def _shift_reason(traffic: dict[str, int], index: int, total: int, pause: float) -> str:
    split = ", ".join(f"{n} {s}%" for n, s in sorted(traffic.items()))
    step = f"step {index} of {total}: " if total > 1 else ""
    wait = f", then pause {int(pause)}s and check" if pause else ""
    return f"{step}traffic {split}{wait}"


def _changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    old = _flat(before or {})
    new = _flat(after)
    return [
        Change(key, old.get(key), new.get(key))
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]


def _flat(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            result.update(_flat(item, name + "."))
        else:
            result[name] = item
    return result
