"""Observe a host with one list call, filtered by the managed label."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import docker

from gitops_ml.reconcile.hashing import spec_hash
from gitops_ml.reconcile.objects import FailureRecord, ObjectState, ObservedObject
from gitops_ml.targets.docker import spec as labels_
from gitops_ml.targets.docker.records import HostRecord


@dataclass
class HostView:
    """One host as one list call showed it."""

    site: str
    serving: dict[str, dict[str, Any]] = field(default_factory=dict)
    leftovers: list[dict[str, Any]] = field(default_factory=list)
    record: HostRecord = field(default_factory=HostRecord)


def list_managed(client: docker.DockerClient, environment: str) -> list[dict[str, Any]]:
    filters = {
        "label": [
            f"{labels_.MANAGED}={labels_.MANAGER}",
            f"{labels_.ENVIRONMENT}={environment}",
        ]
    }
    containers = client.containers.list(sparse=True, all=True, filters=filters)
    return [c.attrs for c in containers]


def view(site: str, containers: list[dict[str, Any]]) -> HostView:
    """Serving containers by deployment, the record, and leftovers of an interrupted
    apply: trial containers, and a staged ``NAME.next`` beside a ``NAME`` (a staged
    one alone is serving: the cut-over was interrupted just before its rename)."""
    result = HostView(site)
    staged = []
    for item in containers:
        found = item.get("Labels") or {}
        role = found.get(labels_.ROLE, "serving")
        if role == "serving" and labels_.DEPLOYMENT in found:
            if container_name(item) == found[labels_.DEPLOYMENT]:
                result.serving[found[labels_.DEPLOYMENT]] = item
            else:
                staged.append(item)
        elif role == "record":
            result.record = HostRecord.from_labels(found, item["Id"])
        elif role != "lock":
            result.leftovers.append(item)
    for item in staged:
        deployment = item["Labels"][labels_.DEPLOYMENT]
        if deployment in result.serving:
            result.leftovers.append(item)
        else:
            result.serving[deployment] = item
    return result


def container_name(item: dict[str, Any]) -> str:
    names = item.get("Names") or ["/"]
    return str(names[0]).lstrip("/")


def observed_objects(host: HostView) -> list[ObservedObject]:
    objects = [_serving(host.site, item) for item in host.serving.values()]
    for name, applied in sorted(host.record.applied.items()):
        if name not in host.serving:
            objects.append(
                ObservedObject(
                    host.site,
                    name,
                    applied["model"],
                    applied["version"],
                    applied["revision"],
                    applied["specHash"],
                    state="missing",
                    detail="container was removed",
                )
            )
    return objects


def failures(host: HostView) -> list[FailureRecord]:
    return [FailureRecord(site=host.site, **f) for f in host.record.failures]


def _serving(site: str, item: dict[str, Any]) -> ObservedObject:
    found = item["Labels"]
    recorded = found.get(labels_.SPEC_HASH)
    problem = container_problem(item)
    state: ObjectState = "ready"
    if problem and item.get("State") == "restarting":
        state = "failed"
    return ObservedObject(
        site,
        found[labels_.DEPLOYMENT],
        found.get(labels_.MODEL, "?"),
        found.get(labels_.VERSION, "?"),
        found.get(labels_.REVISION),
        recorded,
        actual_hash=spec_hash({"drift": problem}) if problem else recorded,
        state=state,
        detail=problem,
        applied_at=found.get(labels_.APPLIED_AT),
        spec=json.loads(found.get(labels_.SPEC, "{}")),
    )


def container_problem(item: dict[str, Any]) -> str:
    """Why a managed container differs from what was applied ("" when it does not)."""
    found = item.get("Labels") or {}
    if item.get("State") != "running":
        return f"container is {item.get('State', 'gone')} ({item.get('Status', '')})"
    wanted = found.get(labels_.IMAGE_ID)
    if wanted and item.get("ImageID") != wanted:
        return f"container runs image {item.get('Image')}, not the applied one"
    return ""
