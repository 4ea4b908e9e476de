"""Read the workspace: endpoints and their deployments, in two kinds of request.

One ``list`` of the workspace's endpoints (traffic maps and tags included) and one
``list`` of deployments per endpoint Git names; nothing else for an in-sync run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gitops_ml.reconcile.hashing import spec_hash
from gitops_ml.reconcile.objects import (
    FailureRecord,
    ObjectState,
    Observation,
    ObservedObject,
    SiteStatus,
)
from gitops_ml.targets.azureml import normalise
from gitops_ml.targets.azureml.client import call
from gitops_ml.targets.azureml.desired import Desired, EndpointSpec

TAG_REVISION = "gitops.revision"
TAG_HASH = "gitops.spec-sha256"
TAG_ENV = "gitops.env"
TAG_MODEL = "gitops.model"
TAG_VERSION = "gitops.version"
TAG_ROLLOUT = "gitops.rollout"
PROGRESSING = {"creating", "updating", "deleting", "scaling"}


@dataclass
class ObservedEndpoint:
    name: str
    entity: Any
    state: str
    traffic: dict[str, int]
    mirror: dict[str, int]
    tags: dict[str, str]
    settings: dict[str, Any]
    deployments: dict[str, ObservedDeployment] = field(default_factory=dict)

    @property
    def rollout(self) -> dict[str, Any]:
        try:
            value = json.loads(self.tags.get(TAG_ROLLOUT, "{}"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass
class ObservedDeployment:
    name: str
    entity: Any
    state: str
    tags: dict[str, str]
    spec: dict[str, Any]

    @property
    def busy(self) -> bool:
        return self.state in PROGRESSING

    @property
    def failed(self) -> bool:
        return self.state in {"failed", "canceled"}


def read_workspace(ml: Any, desired: Desired) -> dict[str, ObservedEndpoint]:
    """Every endpoint Git names that exists, with its deployments."""
    wanted = {e.name.lower(): e for e in desired.endpoints}
    endpoints = call("list endpoints", lambda: list(ml.online_endpoints.list()))
    result: dict[str, ObservedEndpoint] = {}
    for entity in endpoints:
        spec = wanted.get(entity.name.lower())
        if spec is None:
            continue
        endpoint = _endpoint(entity, spec)
        for item in _list_deployments(ml, entity.name):
            deployment = _deployment(item, spec, desired)
            endpoint.deployments[deployment.name] = deployment
        result[endpoint.name] = endpoint
    return result


def _list_deployments(ml: Any, endpoint: str) -> list[Any]:
    def read() -> list[Any]:
        return list(ml.online_deployments.list(endpoint))

    return call(f"list deployments of {endpoint}", read)


def _endpoint(entity: Any, spec: EndpointSpec) -> ObservedEndpoint:
    settings = normalise.observed_endpoint(entity)
    return ObservedEndpoint(
        name=entity.name.lower(),
        entity=entity,
        state=normalise.provisioning_state(entity),
        traffic=normalise.live_traffic(entity.traffic),
        mirror=normalise.live_traffic(entity.mirror_traffic),
        tags=dict(entity.tags or {}),
        settings=normalise.drop_ignored(settings, spec.prefix, spec.ignore),
    )


def _deployment(
    entity: Any, spec: EndpointSpec, desired: Desired
) -> ObservedDeployment:
    name = entity.name.lower()
    want = spec.deployment(name)
    autoscaled = want.autoscale is not None if want else False
    settings = normalise.deployment_settings(
        normalise.observed_deployment(entity), autoscaled
    )
    prefix = f"/endpoints/{spec.name}/deployments/{name}/settings"
    if want is not None and want.autoscale is not None:
        low, high = want.autoscale
        settings["autoscale"] = low <= int(entity.instance_count or 0) <= high
    comparable = {
        "model": normalise.asset_key(entity.model),
        "environment": normalise.asset_key(entity.environment),
        "settings": normalise.drop_ignored(settings, prefix, spec.ignore),
    }
    return ObservedDeployment(
        name=name,
        entity=entity,
        state=normalise.provisioning_state(entity),
        tags=dict(entity.tags or {}),
        spec=comparable,
    )


def observation(
    endpoints: dict[str, ObservedEndpoint], desired: Desired, environment: str
) -> Observation:
    """The engine's view: one object per endpoint and per deployment."""
    result = Observation(sites=[SiteStatus("", True)])
    for endpoint in endpoints.values():
        result.objects.append(_endpoint_object(endpoint, environment))
        for deployment in endpoint.deployments.values():
            result.objects.append(_deployment_object(endpoint, deployment, environment))
            record = _failure(endpoint, deployment)
            if record is not None:
                result.failures.append(record)
    return result


def _endpoint_object(endpoint: ObservedEndpoint, environment: str) -> ObservedObject:
    actual = {
        "settings": endpoint.settings,
        "traffic": endpoint.traffic,
        "mirror": endpoint.mirror,
    }
    return ObservedObject(
        site="",
        name=endpoint.name,
        model="",
        version="",
        revision=endpoint.tags.get(TAG_REVISION),
        spec_hash=endpoint.tags.get(TAG_HASH),
        actual_hash=spec_hash(actual),
        state=_state(endpoint.state),
        detail=f"provisioning state {endpoint.state}",
        managed=endpoint.tags.get(TAG_ENV) == environment,
        spec=actual,
    )


def _deployment_object(
    endpoint: ObservedEndpoint, deployment: ObservedDeployment, environment: str
) -> ObservedObject:
    tags = deployment.tags
    state = _state(deployment.state)
    detail = ""
    if state == "progressing":
        detail = f"the service is still working ({deployment.state})"
    elif tags.get(TAG_HASH) and spec_hash(deployment.spec) != tags.get(TAG_HASH):
        detail = "changed outside gitops-ml (e.g. in the portal)"
    return ObservedObject(
        site=endpoint.name,
        name=deployment.name,
        model=tags.get(TAG_MODEL, ""),
        version=tags.get(TAG_VERSION, ""),
        revision=tags.get(TAG_REVISION),
        spec_hash=tags.get(TAG_HASH),
        actual_hash=spec_hash(deployment.spec) if state == "ready" else None,
        state=state,
        detail=detail,
        managed=tags.get(TAG_ENV) == environment,
        spec=deployment.spec,
    )


def _failure(
    endpoint: ObservedEndpoint, deployment: ObservedDeployment
) -> FailureRecord | None:
    if not deployment.failed or TAG_HASH not in deployment.tags:
        return None
    return FailureRecord(
        endpoint.name,
        deployment.name,
        deployment.tags[TAG_HASH],
        deployment.tags.get(TAG_REVISION, ""),
        f"provisioning {deployment.state}",
    )


def _state(state: str) -> ObjectState:
    if state in PROGRESSING:
        return "progressing"
    if state in {"failed", "canceled"}:
        return "failed"
    return "ready"
