"""What Git asks of an azureml environment: endpoints, deployments, traffic, rollout."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gitops_ml.naming import deployment_name
from gitops_ml.reconcile.hashing import spec_hash
from gitops_ml.reconcile.objects import DesiredObject
from gitops_ml.spec.documents import Environment
from gitops_ml.spec.repo import RepoSpec
from gitops_ml.targets.azureml import normalise

_DURATION = re.compile(r"([0-9]+)([smhdw])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass
class DeploymentSpec:
    name: str
    model: str
    version: str
    traffic: int
    mirror: int
    settings: dict[str, Any]
    model_asset: str
    environment_asset: str | None
    autoscale: tuple[int, int] | None
    spec: dict[str, Any]

    @property
    def spec_hash(self) -> str:
        return spec_hash(self.spec)


@dataclass
class RolloutStep:
    traffic: int
    pause: float


@dataclass
class EndpointSpec:
    name: str
    settings: dict[str, Any]
    comparable: dict[str, Any]
    deployments: list[DeploymentSpec]
    rollout: list[RolloutStep]
    ignore: list[str]

    @property
    def prefix(self) -> str:
        return f"/endpoints/{self.name}/settings"

    @property
    def traffic(self) -> dict[str, int]:
        return {d.name: d.traffic for d in self.deployments if d.traffic}

    @property
    def mirror(self) -> dict[str, int]:
        return {d.name: d.mirror for d in self.deployments if d.mirror}

    def deployment(self, name: str) -> DeploymentSpec | None:
        return next((d for d in self.deployments if d.name == name.lower()), None)

    def spec(self, traffic: dict[str, int], mirror: dict[str, int]) -> dict[str, Any]:
        return {"settings": self.comparable, "traffic": traffic, "mirror": mirror}


@dataclass
class Desired:
    environment: str
    endpoints: list[EndpointSpec] = field(default_factory=list)

    def endpoint(self, name: str) -> EndpointSpec | None:
        return next((e for e in self.endpoints if e.name == name.lower()), None)

    def objects(self) -> list[DesiredObject]:
        result: list[DesiredObject] = []
        for endpoint in self.endpoints:
            spec = endpoint.spec(endpoint.traffic, endpoint.mirror)
            result.append(DesiredObject("", endpoint.name, "", "", spec))
            for d in endpoint.deployments:
                result.append(
                    DesiredObject(endpoint.name, d.name, d.model, d.version, d.spec)
                )
        return result


def read_desired(spec: RepoSpec, environment: Environment) -> Desired:
    target = environment.target
    ignore = [str(p) for p in target.get("ignore") or []]
    result = Desired(environment.name)
    for item in environment.spec.get("endpoints") or []:
        name = str(item["name"]).lower()
        endpoint_prefix = f"/endpoints/{name}/settings"
        settings = dict(item.get("settings") or {})
        comparable = normalise.drop_ignored(
            normalise.endpoint_settings(settings), endpoint_prefix, ignore
        )
        deployments = [
            _deployment(spec, name, d, ignore) for d in item.get("deployments") or []
        ]
        steps = [
            RolloutStep(int(s["traffic"]), seconds(s.get("pause", "0s")))
            for s in (item.get("rollout") or {}).get("steps") or []
        ]
        result.endpoints.append(
            EndpointSpec(name, settings, comparable, deployments, steps, ignore)
        )
    return result


def _deployment(
    spec: RepoSpec, endpoint: str, item: dict[str, Any], ignore: list[str]
) -> DeploymentSpec:
    model, version = str(item["model"]), str(item["version"])
    name = str(item.get("name") or deployment_name(model, version)).lower()
    artifacts = spec.models[model].versions[version].artifacts.get("azureml") or {}
    settings = dict(item.get("settings") or {})
    model_asset = str(artifacts["model"])
    environment_asset = settings.get("environment") or artifacts.get("environment")
    autoscale = _autoscale(item.get("autoscale"))
    comparable = normalise.deployment_settings(settings, autoscale is not None)
    if autoscale is not None:
        comparable["autoscale"] = True
    prefix = f"/endpoints/{endpoint}/deployments/{name}/settings"
    return DeploymentSpec(
        name=name,
        model=model,
        version=version,
        traffic=int(item.get("traffic", 0)),
        mirror=int(item.get("mirror", 0)),
        settings=settings,
        model_asset=model_asset,
        environment_asset=str(environment_asset) if environment_asset else None,
        autoscale=autoscale,
        spec={
            "model": normalise.asset_key(model_asset),
            "environment": normalise.asset_key(environment_asset),
            "settings": normalise.drop_ignored(comparable, prefix, ignore),
        },
    )


def _autoscale(value: Any) -> tuple[int, int] | None:
    if not isinstance(value, dict):
        return None
    low = int(value.get("min", 1))
    return low, int(value.get("max", low))


def seconds(text: str) -> float:
    return float(sum(int(n) * _SECONDS[u] for n, u in _DURATION.findall(str(text))))
