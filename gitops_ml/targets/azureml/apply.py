"""Carry out a plan against the workspace, one mutation per endpoint at a time.

Every wait has our own deadline; a deployment the service is still working on stops
the apply with InProgress (exit 75) so a re-run resumes.  A failed deployment stops
its endpoint before any traffic moves, with the service's message and log tail.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import yaml

from gitops_ml.errors import GitopsError, InProgress, TargetError, TransientError
from gitops_ml.reconcile.hashing import spec_hash
from gitops_ml.reconcile.objects import Action, StepResult
from gitops_ml.targets.azureml import normalise
from gitops_ml.targets.azureml.client import RUNTIME, call, wait
from gitops_ml.targets.azureml.credentials import summary
from gitops_ml.targets.azureml.desired import DeploymentSpec, Desired, EndpointSpec
from gitops_ml.targets.azureml.lease import TAG_LEASE, Lease
from gitops_ml.targets.azureml.observe import (
    TAG_ENV,
    TAG_HASH,
    TAG_MODEL,
    TAG_REVISION,
    TAG_ROLLOUT,
    TAG_VERSION,
    ObservedEndpoint,
)

log = logging.getLogger("gitops_ml")
LOG_LINES = 40
FAILED_HINT = (
    "fix the cause in the deployment's settings or the model, commit, and apply "
    "again (or re-run with --retry-failed)"
)
SETTLE_STEP = 5.0


class Applier:
    def __init__(
        self,
        ml: Any,
        desired: Desired,
        observed: dict[str, ObservedEndpoint],
        revision: str,
        root: str,
        lease: Lease,
    ) -> None:
        self.ml = ml
        self.desired = desired
        self.observed = observed
        self.revision = revision
        self.root = root
        self.lease = lease
        self.failed_sites: set[str] = set()

    def run(self, actions: list[Action]) -> list[StepResult]:
        try:
            return self._run(actions)
        finally:
            self._release()

    def _run(self, actions: list[Action]) -> list[StepResult]:
        results: list[StepResult] = []
        for action in actions:
            endpoint = action.site or action.name
            if endpoint in self.failed_sites:
                continue
            log.info("azureml %s %s/%s", action.op, action.site, action.name)
            if action.op != "wait":
                self._take(endpoint)
            result = self._step(action)
            results.append(result)
            if not result.ok:
                self.failed_sites.add(endpoint)
        return results

    # -- lease -------------------------------------------------------------------

    def _take(self, name: str) -> None:
        """Before the first write to an endpoint: wait until idle, take its lease.

        A new endpoint gets the lease with the request that creates it.
        """
        if name in self.lease.taken:
            return
        if name in self.observed:
            entity = self._wait_idle(name)
            self.lease.check(name, dict(entity.tags or {}))
            self._put_tags(name, entity, {TAG_LEASE: self.lease.value()})
        self.lease.taken.add(name)

    def _release(self) -> None:
        """Remove our lease tags; an endpoint still busy keeps it until it expires."""
        for name in sorted(self.lease.taken):
            try:
                entity = self._read_endpoint(name)
                if self.lease.ours(dict(entity.tags or {})):
                    self._put_tags(name, entity, {TAG_LEASE: None})
            except GitopsError as exc:
                log.warning("lease on endpoint %s not released: %s", name, exc)

    def _put_tags(self, name: str, entity: Any, change: dict[str, str | None]) -> None:
        """GET-merge-PUT: the endpoint as read (full traffic map) with new tags."""
        tags = {**(entity.tags or {}), **change}
        entity.tags = {k: v for k, v in tags.items() if v is not None}
        poller = call(
            f"update the tags of endpoint {name}",
            lambda: self.ml.online_endpoints.begin_create_or_update(entity),
        )
        wait(f"endpoint {name}", poller, RUNTIME.endpoint_timeout)

    def _step(self, action: Action) -> StepResult:
        if action.site == "":
            spec = self.desired.endpoint(action.name)
            assert spec is not None
            if action.op == "shift":
                return self._shift(action, spec)
            return self._endpoint(action, spec)
        spec = self.desired.endpoint(action.site)
        assert spec is not None
        if action.op == "delete":
            return self._delete(action)
        if action.op == "wait":
            return self._wait_deployment(action)
        deployment = spec.deployment(action.name)
        assert deployment is not None
        return self._deploy(action, spec, deployment)

    # -- endpoint ----------------------------------------------------------------

    def _endpoint(self, action: Action, spec: EndpointSpec) -> StepResult:
        have = self.observed.get(spec.name)
        traffic = have.traffic if have else {}
        mirror = have.mirror if have else {}
        self._put_endpoint(spec, traffic, mirror, rollout=None)
        return StepResult(action, True, f"endpoint {spec.name} {action.op}d")

    def _shift(self, action: Action, spec: EndpointSpec) -> StepResult:
        details = action.details
        traffic, mirror = details["traffic"], details["mirror"]
        last = details["step"] == details["steps"]
        rollout = (
            None
            if last
            else {
                "target": details.get("target", ""),
                "step": details["step"],
                "steps": details["steps"],
            }
        )
        before = self.observed[spec.name].traffic if spec.name in self.observed else {}
        if details.get("pause_before"):
            RUNTIME.clock.sleep(float(details["pause_before"]))
        self._put_endpoint(spec, traffic, mirror, rollout)
        self._settle(spec.name, traffic, mirror)
        if details.get("pause"):
            RUNTIME.clock.sleep(float(details["pause"]))
            problem = self._check(spec, traffic)
            if problem:
                self._put_endpoint(spec, before, mirror, rollout=None)
                return StepResult(action, False, problem, rolled_back=True)
        return StepResult(action, True, f"traffic of {spec.name} now {traffic}")

    def _put_endpoint(
        self,
        spec: EndpointSpec,
        traffic: dict[str, int],
        mirror: dict[str, int],
        rollout: dict[str, Any] | None,
    ) -> None:
        from azure.ai.ml.entities import ManagedOnlineEndpoint

        settings = dict(spec.settings)
        recorded = spec_hash(spec.spec(traffic, mirror))
        tags = {
            **normalise.user_tags(settings.pop("tags", None) or {}),
            TAG_ENV: self.desired.environment,
            TAG_REVISION: self.revision,
            TAG_HASH: recorded,
            TAG_LEASE: self.lease.value(),
        }
        if rollout:
            tags[TAG_ROLLOUT] = json.dumps(rollout, sort_keys=True)
        endpoint = ManagedOnlineEndpoint(
            name=spec.name,
            auth_mode=settings.get("auth_mode", "key"),
            description=settings.get("description"),
            public_network_access=settings.get("public_network_access"),
            identity=_identity(settings.get("identity")),
            tags=tags,
            traffic=dict(traffic),
            mirror_traffic=dict(mirror),
        )
        poller = call(
            f"update endpoint {spec.name}",
            lambda: self.ml.online_endpoints.begin_create_or_update(endpoint),
        )
        wait(f"endpoint {spec.name}", poller, RUNTIME.endpoint_timeout)

    def _wait_idle(self, name: str) -> Any:
        """Another client may be updating the endpoint: wait, boundedly."""
        deadline = RUNTIME.clock.now() + RUNTIME.endpoint_timeout
        while True:
            entity = self._read_endpoint(name)
            state = normalise.provisioning_state(entity)
            if state not in {"creating", "updating", "deleting"}:
                return entity
            if RUNTIME.clock.now() >= deadline:
                raise InProgress(
                    f"endpoint {name} stays busy ({state}) with another operation",
                    hint="re-run apply when it is done",
                )
            RUNTIME.clock.sleep(SETTLE_STEP)

    def _settle(
        self, name: str, traffic: dict[str, int], mirror: dict[str, int]
    ) -> None:
        """Read back until the service reports what we wrote (reads can be stale)."""
        deadline = RUNTIME.clock.now() + RUNTIME.settle_timeout
        want = (normalise.live_traffic(traffic), normalise.live_traffic(mirror))
        while True:
            entity = self._read_endpoint(name)
            seen = (
                normalise.live_traffic(entity.traffic),
                normalise.live_traffic(entity.mirror_traffic),
            )
            if seen == want:
                return
            if RUNTIME.clock.now() >= deadline:
                raise TransientError(
                    f"endpoint {name} still reports traffic {seen[0]} after the "
                    f"update to {want[0]}",
                    hint="re-run apply; it checks again before writing anything",
                )
            RUNTIME.clock.sleep(SETTLE_STEP)

    def _read_endpoint(self, name: str) -> Any:
        """One request: ``online_endpoints.get`` would also list the deployments."""

        def read() -> Any:
            for entity in self.ml.online_endpoints.list():
                if entity.name.lower() == name:
                    return entity
            raise TargetError(f"endpoint {name} is gone", hint="re-run plan")

        return call(f"read endpoint {name}", read)

    def _check(self, spec: EndpointSpec, traffic: dict[str, int]) -> str:
        """The check between canary steps: every deployment with traffic is healthy."""
        for name in traffic:
            entity = self._read_deployment(spec.name, name)
            state = normalise.provisioning_state(entity)
            if state != "succeeded":
                return (
                    f"{spec.name}/{name} is {state} after a canary step; traffic "
                    "went back to where it was"
                )
        return ""

    # -- deployments -------------------------------------------------------------

    def _read_deployment(self, endpoint: str, name: str) -> Any:
        def read() -> Any:
            return self.ml.online_deployments.get(name, endpoint)

        return call(f"read deployment {endpoint}/{name}", read)

    def _deploy(
        self, action: Action, spec: EndpointSpec, want: DeploymentSpec
    ) -> StepResult:
        entity = self._deployment_entity(spec, want)
        try:
            poller = call(
                f"deploy {spec.name}/{want.name}",
                lambda: self.ml.online_deployments.begin_create_or_update(entity),
            )
        except TargetError as exc:  # refused outright (quota, bad argument)
            return _failed(action, f"{exc.message}; traffic was not moved", exc.hint)
        try:
            wait(
                f"deployment {spec.name}/{want.name}",
                poller,
                RUNTIME.deployment_timeout,
            )
        except TargetError as exc:  # accepted, then failed to provision
            message = self._failure(spec.name, want.name, exc)
            return _failed(action, message, FAILED_HINT)
        return StepResult(action, True, f"{spec.name}/{want.name} provisioned")

    def _wait_deployment(self, action: Action) -> StepResult:
        deadline = RUNTIME.clock.now() + RUNTIME.deployment_timeout
        while True:
            entity = call(
                f"read deployment {action.name}",
                lambda: self.ml.online_deployments.get(action.name, action.site),
            )
            state = normalise.provisioning_state(entity)
            if state == "succeeded":
                return StepResult(action, True, f"{action.site}/{action.name} ready")
            if state in {"failed", "canceled"}:
                error = TargetError(f"provisioning {state}")
                message = self._failure(action.site, action.name, error)
                return _failed(action, message, FAILED_HINT)
            if RUNTIME.clock.now() >= deadline:
                raise InProgress(
                    f"deployment {action.site}/{action.name} is still {state}",
                    hint="re-run apply to resume; it continues where the service is",
                )
            RUNTIME.clock.sleep(SETTLE_STEP)

    def _failure(self, endpoint: str, name: str, exc: TargetError) -> str:
        try:
            logs = call(
                f"read logs of {endpoint}/{name}",
                lambda: self.ml.online_deployments.get_logs(name, endpoint, LOG_LINES),
            )
        except TargetError:
            logs = ""
        tail = "\n".join(str(logs).strip().splitlines()[-LOG_LINES:])
        message = f"{exc.message}; traffic was not moved"
        return f"{message}\n--- last log lines ---\n{tail}" if tail else message

    def _deployment_entity(self, spec: EndpointSpec, want: DeploymentSpec) -> Any:
        from azure.ai.ml import load_online_deployment

        data: dict[str, Any] = {
            k: v for k, v in want.settings.items() if k not in ("environment", "tags")
        }
        data.update(name=want.name, endpoint_name=spec.name, model=want.model_asset)
        if want.environment_asset:
            data["environment"] = want.environment_asset
        data["tags"] = {
            **normalise.user_tags(want.settings.get("tags") or {}),
            TAG_ENV: self.desired.environment,
            TAG_REVISION: self.revision,
            TAG_HASH: want.spec_hash,
            TAG_MODEL: want.model,
            TAG_VERSION: want.version,
        }
        self._keep_owned(spec, want, data)
        text = yaml.safe_dump(data, sort_keys=False)
        try:
            return load_online_deployment(io.StringIO(text), relative_origin=self.root)
        except Exception as exc:  # the SDK's schema errors are verbose unions
            raise TargetError(
                f"Azure ML refuses the settings of {spec.name}/{want.name}: "
                f"{summary(str(exc))}",
                hint="fix the settings in the environment file",
            ) from None

    def _keep_owned(
        self, spec: EndpointSpec, want: DeploymentSpec, data: dict[str, Any]
    ) -> None:
        """Fields another system owns keep the value they have on the service."""
        have = self.observed.get(spec.name)
        current = have.deployments.get(want.name) if have else None
        if want.autoscale is not None:
            low, high = want.autoscale
            count = int(current.entity.instance_count) if current else low
            data["instance_count"] = min(max(count, low), high)
        if current is None:
            return
        raw = normalise.observed_deployment(current.entity)
        prefix = f"/endpoints/{spec.name}/deployments/{want.name}/settings"
        for pointer in spec.ignore:
            if not normalise.pointer_matches(prefix, pointer):
                continue
            path, value = normalise.ignored_value(raw, prefix, pointer)
            if value is not None and path:
                _set(data, path, value)

    def _delete(self, action: Action) -> StepResult:
        poller = call(
            f"delete {action.site}/{action.name}",
            lambda: self.ml.online_deployments.begin_delete(action.name, action.site),
        )
        wait(
            f"delete of {action.site}/{action.name}", poller, RUNTIME.deployment_timeout
        )
        return StepResult(action, True, f"{action.site}/{action.name} deleted")


def _failed(action: Action, message: str, hint: str) -> StepResult:
    """A deployment step that failed: reported in the apply result, exit 1."""
    return StepResult(action, False, message, details={"hint": hint})


def _identity(value: dict[str, Any] | None) -> Any:
    from azure.ai.ml.entities import IdentityConfiguration, ManagedIdentityConfiguration

    if not value:
        return None
    ids = [
        ManagedIdentityConfiguration(resource_id=item["resource_id"])
        for item in value.get("user_assigned_identities") or []
    ]
    return IdentityConfiguration(
        type=value["type"], user_assigned_identities=ids or None
    )


def _set(data: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value
