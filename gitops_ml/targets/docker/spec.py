"""The container spec: what Git asks one host to run for one deployment.

``desired_spec`` builds the spec that is hashed, recorded in labels and shown in plans
(secrets only as digests); ``create_args`` turns it into Docker API arguments, reading
secret values from the process environment at that moment only.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
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


# (variable name, secretRef env) -> the digest applied last, None if unknown
AppliedDigest = Callable[[str, str], str | None]


class SecretUnset(InputError):
    """A container must be created and a secret it needs is not set."""


def desired_spec(
    container: dict[str, Any], image: str, applied: AppliedDigest
) -> dict[str, Any]:
    """The spec to hash and show: a secret as the digest of its value, or, when the
    value is not set in this run (a read-only command needs none), as the digest
    applied last, so it compares as unchanged."""
    spec: dict[str, Any] = {"image": image}
    for key, value in sorted(container.items()):
        spec[key] = _resolve_env(value, applied) if key == "env" else value
    return spec


def _resolve_env(env: dict[str, Any], applied: AppliedDigest) -> dict[str, Any]:
    resolved: dict[str, Any] = {}
    for name, value in env.items():
        if isinstance(value, dict):
            source = value["secretRef"]["env"]
            secret = os.environ.get(source)
            digest = (
                secret_digest(secret) if secret is not None else applied(name, source)
            )
            resolved[name] = {**value, "sha256": digest} if digest else dict(value)
        else:
            resolved[name] = value if isinstance(value, str) else json.dumps(value)
    return resolved


def unset_secrets(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(variable, secretRef env) of each secret whose value this run lacks."""
    return [
        (name, value["secretRef"]["env"])
        for name, value in sorted((spec.get("env") or {}).items())
        if isinstance(value, dict) and value["secretRef"]["env"] not in os.environ
    ]


def applied_digest(spec: dict[str, Any] | None, name: str, source: str) -> str | None:
    """The digest an applied spec recorded for secret ``name`` read from ``source``."""
    value = ((spec or {}).get("env") or {}).get(name)
    if isinstance(value, dict) and value.get("secretRef", {}).get("env") == source:
        digest = value.get("sha256")
        return str(digest) if digest else None
    return None


def unset_message(name: str, source: str) -> str:
    return (
        f"secret {name} reads environment variable {source}, which is not set "
        f"(set {source} in the environment of this run)"
    )


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
    missing = unset_secrets(spec)
    if missing:
        raise SecretUnset(unset_message(*missing[0]))
    result = []
    for name, value in (spec.get("env") or {}).items():
        if isinstance(value, dict):
            value = os.environ[value["secretRef"]["env"]]
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
