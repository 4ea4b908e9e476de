"""The container spec: what Git asks one host to run for one deployment.

``desired_spec`` builds the spec that is hashed, recorded in labels and shown in plans
(secrets only as digests); ``create_args`` turns it into Docker API arguments, reading
secret values from the process environment at that moment only.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from docker.types import DeviceRequest, LogConfig

from gitops_ml.errors import InputError
from gitops_ml.reconcile.hashing import canonical, secret_digest

PREFIX = "io.gitops-ml."
MANAGED = PREFIX + "managed-by"
MANAGER = "gitops-ml"
ENVIRONMENT = PREFIX + "environment"
DEPLOYMENT = PREFIX + "deployment"
MODEL = PREFIX + "model"
VERSION = PREFIX + "version"
REVISION = PREFIX + "revision"
SPEC_HASH = PREFIX + "spec-hash"
SPEC = PREFIX + "spec"
IMAGE_ID = PREFIX + "image-id"
ROLE = PREFIX + "role"
APPLIED_AT = PREFIX + "applied-at"

_SIZE = re.compile(r"^([0-9]+)([bkmg]?)b?$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def desired_spec(container: dict[str, Any], image: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"image": image}
    for key, value in sorted(container.items()):
        spec[key] = _resolve_env(value) if key == "env" else value
    return spec


def _resolve_env(env: dict[str, Any]) -> dict[str, Any]:
    resolved: dict[str, Any] = {}
    for name, value in env.items():
        if isinstance(value, dict):
            source = value["secretRef"]["env"]
            secret = os.environ.get(source)
            if secret is None:
                raise InputError(
                    f"secret {name} reads environment variable {source}, "
                    "which is not set",
                    hint=f"set {source} in the environment of this run",
                )
            resolved[name] = {**value, "sha256": secret_digest(secret)}
        else:
            resolved[name] = value if isinstance(value, str) else json.dumps(value)
    return resolved


def labels(
    environment: str,
    deployment: str,
    model: str,
    version: str,
    revision: str,
    spec: dict[str, Any],
    spec_hash: str,
) -> dict[str, str]:
    return {
        MANAGED: MANAGER,
        ENVIRONMENT: environment,
        DEPLOYMENT: deployment,
        MODEL: model,
        VERSION: version,
        REVISION: revision,
        SPEC_HASH: spec_hash,
        SPEC: canonical(spec),
    }


def health_port(spec: dict[str, Any]) -> int | None:
    http = (spec.get("health") or {}).get("http")
    return int(http["port"]) if http else None


def create_args(
    client_api: Any,
    spec: dict[str, Any],
    name: str,
    container_labels: dict[str, str],
    trial: bool = False,
) -> dict[str, Any]:
    """Keyword arguments for ``APIClient.create_container``.

    A trial container publishes only the health port, on an ephemeral loopback port,
    and never restarts: a crash must show as a crash.
    """
    ports, bindings = _ports(spec, trial)
    host_config = client_api.create_host_config(
        port_bindings=bindings,
        restart_policy=None if trial else _restart(spec),
        init=spec.get("init"),
        shm_size=_bytes(spec.get("shmSize")),
        mem_limit=_bytes((spec.get("resources") or {}).get("memory")),
        nano_cpus=_nano_cpus(spec),
        log_config=_logging(spec),
        network_mode=spec.get("networkMode"),
        binds=_binds(spec),
        device_requests=_gpus(spec),
    )
    return {
        "image": spec["image"],
        "name": name,
        "entrypoint": spec.get("command"),
        "command": spec.get("args"),
        "environment": _environment(spec),
        "labels": container_labels,
        "ports": ports,
        "host_config": host_config,
        "detach": True,
    }


def _ports(spec: dict[str, Any], trial: bool) -> tuple[list[Any], dict[str, Any]]:
    if trial:
        port = health_port(spec)
        if port is None or spec.get("networkMode") == "host":
            return [], {}
        return [port], {f"{port}/tcp": ("127.0.0.1", None)}
    ports: list[Any] = []
    bindings: dict[str, Any] = {}
    for item in spec.get("ports") or []:
        protocol = item.get("protocol", "tcp")
        ports.append((item["container"], protocol))
        host = item.get("host")
        bindings[f"{item['container']}/{protocol}"] = (
            item.get("hostIp", "127.0.0.1"),
            host,
        )
    return ports, bindings


def _restart(spec: dict[str, Any]) -> dict[str, Any] | None:
    policy = spec.get("restartPolicy", "unless-stopped")
    return None if policy == "no" else {"Name": policy}


def _environment(spec: dict[str, Any]) -> list[str]:
    result = []
    for name, value in (spec.get("env") or {}).items():
        if isinstance(value, dict):
            value = os.environ.get(value["secretRef"]["env"], "")
        result.append(f"{name}={value}")
    return result


def _bytes(text: str | None) -> int | None:
    if not text:
        return None
    match = _SIZE.match(text.strip())
    if not match:
        raise InputError(
            f"size '{text}' is not a number with an optional unit (b, k, m, g)",
            hint="write it like 512m or 1g",
        )
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def _nano_cpus(spec: dict[str, Any]) -> int | None:
    cpus = (spec.get("resources") or {}).get("cpus")
    return int(float(cpus) * 1e9) if cpus else None


def _logging(spec: dict[str, Any]) -> LogConfig | None:
    logging = spec.get("logging")
    if not logging:
        return None
    config = {}
    if "maxSize" in logging:
        config["max-size"] = str(logging["maxSize"])
    if "maxFile" in logging:
        config["max-file"] = str(logging["maxFile"])
    return LogConfig(type="json-file", config=config)


def _binds(spec: dict[str, Any]) -> list[str] | None:
    volumes = spec.get("volumes")
    if not volumes:
        return None
    return [
        f"{v['source']}:{v['target']}:{'ro' if v.get('readOnly') else 'rw'}"
        for v in volumes
    ]


def _gpus(spec: dict[str, Any]) -> list[DeviceRequest] | None:
    gpus = spec.get("gpus")
    if gpus in (None, 0):
        return None
    count = -1 if gpus == "all" else int(gpus)
    return [DeviceRequest(count=count, capabilities=[["gpu"]])]
