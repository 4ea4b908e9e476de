"""One comparable form for what Git asks and what the service reports.

Both sides go through the same functions: CLI v2 field names, the service's defaults
filled in, case folded where the service folds it, read-only fields left out and
fields named by ``spec.target.ignore`` removed.  Right after an apply, the observed
form equals the desired one, so the next plan is empty.
"""

from __future__ import annotations

import copy
import fnmatch
from typing import Any

from gitops_ml.targets.azureml.assets import parse_pinned

PROBE_DEFAULTS = {
    "initial_delay": 10,
    "period": 10,
    "timeout": 2,
    "success_threshold": 1,
    "failure_threshold": 30,
}
REQUEST_DEFAULTS = {
    "request_timeout_ms": 5000,
    "max_concurrent_requests_per_instance": 1,
}
DEPLOYMENT_DEFAULTS: dict[str, Any] = {
    "instance_count": 1,
    "app_insights_enabled": False,
    "egress_public_network_access": "enabled",
    "environment_variables": {},
    "scale_settings": {"type": "default"},
}
ENDPOINT_DEFAULTS: dict[str, Any] = {
    "auth_mode": "key",
    "public_network_access": "enabled",
    "identity": {"type": "system_assigned"},
}
LOWER = {
    "auth_mode",
    "public_network_access",
    "egress_public_network_access",
    "instance_type",
}
GITOPS_TAG = "gitops."


def asset_key(ref: str | None) -> str | None:
    """``azureml:Churn:3``, its ARM id and registry URI forms compare equal."""
    if not ref:
        return None
    pinned = parse_pinned(ref)
    if pinned is None:
        return ref.lower()
    where = f"registry:{pinned.registry.lower()}/" if pinned.registry else ""
    return f"{where}{pinned.name.lower()}:{pinned.version}"


def deployment_settings(settings: dict[str, Any], autoscaled: bool) -> dict[str, Any]:
    """CLI v2 deployment settings with the service's defaults, in comparable form."""
    result = copy.deepcopy(DEPLOYMENT_DEFAULTS)
    for key, value in settings.items():
        if key in ("environment", "tags"):
            continue
        result[key] = copy.deepcopy(value)
    result["request_settings"] = {
        **REQUEST_DEFAULTS,
        **_without(result.get("request_settings") or {}, "max_queue_wait_ms"),
    }
    for probe in ("liveness_probe", "readiness_probe"):
        result[probe] = {**PROBE_DEFAULTS, **(result.get(probe) or {})}
    code = result.get("code_configuration")
    if isinstance(code, dict):
        result["code_configuration"] = {"scoring_script": code.get("scoring_script")}
    result["tags"] = user_tags(settings.get("tags") or {})
    if autoscaled:
        result.pop("instance_count", None)
    return _fold(result)


def observed_deployment(entity: Any) -> dict[str, Any]:
    """A deployment the SDK returned, as CLI v2 settings."""
    settings: dict[str, Any] = {
        "instance_type": entity.instance_type,
        "instance_count": entity.instance_count,
        "app_insights_enabled": bool(entity.app_insights_enabled),
        "egress_public_network_access": _text(
            entity.egress_public_network_access, "enabled"
        ),
        "environment_variables": dict(entity.environment_variables or {}),
        "scale_settings": {
            "type": _text(getattr(entity.scale_settings, "type", None), "default")
        },
        "tags": dict(entity.tags or {}),
    }
    if entity.request_settings is not None:
        settings["request_settings"] = _attrs(entity.request_settings, REQUEST_DEFAULTS)
    for probe in ("liveness_probe", "readiness_probe"):
        value = getattr(entity, probe)
        if value is not None:
            settings[probe] = _attrs(value, PROBE_DEFAULTS)
    for key in ("description", "model_mount_path"):
        if getattr(entity, key, None):
            settings[key] = getattr(entity, key)
    code = entity.code_configuration
    if code is not None:
        settings["code_configuration"] = {"scoring_script": code.scoring_script}
    return settings


def endpoint_settings(settings: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(ENDPOINT_DEFAULTS)
    result.update(copy.deepcopy({k: v for k, v in settings.items() if k != "tags"}))
    result["tags"] = user_tags(settings.get("tags") or {})
    result["identity"] = _identity(result.get("identity") or {})
    return _fold(result)


def observed_endpoint(entity: Any) -> dict[str, Any]:
    identity = entity.identity
    ids = [
        {"resource_id": getattr(i, "resource_id", None)}
        for i in (getattr(identity, "user_assigned_identities", None) or [])
    ]
    settings: dict[str, Any] = {
        "auth_mode": _text(entity.auth_mode, "key"),
        "public_network_access": _text(entity.public_network_access, "enabled"),
        "identity": {"type": _text(getattr(identity, "type", None), "system_assigned")},
        "tags": dict(entity.tags or {}),
    }
    if ids:
        settings["identity"]["user_assigned_identities"] = ids
    if entity.description:
        settings["description"] = entity.description
    return endpoint_settings(settings)


def user_tags(tags: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in tags.items() if not k.startswith(GITOPS_TAG)}


def live_traffic(traffic: dict[str, Any] | None) -> dict[str, int]:
    """Lower-case names, zero shares dropped (the SDK drops them on write)."""
    return {k.lower(): int(v) for k, v in (traffic or {}).items() if int(v)}


def drop_ignored(
    value: dict[str, Any], prefix: str, pointers: list[str]
) -> dict[str, Any]:
    """Remove the fields ``pointers`` name under ``prefix`` (wildcards allowed)."""
    result = copy.deepcopy(value)
    for pointer in pointers:
        parts = _split(pointer)
        head = _split(prefix)
        if len(parts) <= len(head) or not all(
            fnmatch.fnmatchcase(p.lower(), h.lower())
            for h, p in zip(parts, head, strict=False)
        ):
            continue
        _remove(result, parts[len(head) :])
    return result


def ignored_value(
    value: dict[str, Any], prefix: str, pointer: str
) -> tuple[list[str], Any]:
    """The path under ``prefix`` a pointer names, and its value in ``value``."""
    parts, head = _split(pointer), _split(prefix)
    rest = parts[len(head) :]
    current: Any = value
    for part in rest:
        if not isinstance(current, dict) or part not in current:
            return rest, None
        current = current[part]
    return rest, current


def pointer_matches(prefix: str, pointer: str) -> bool:
    parts, head = _split(pointer), _split(prefix)
    return len(parts) > len(head) and all(
        fnmatch.fnmatchcase(p.lower(), h.lower())
        for h, p in zip(parts, head, strict=False)
    )


def _split(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _remove(value: dict[str, Any], parts: list[str]) -> None:
    for part in parts[:-1]:
        value = value.get(part) if isinstance(value, dict) else None  # type: ignore[assignment]
        if not isinstance(value, dict):
            return
    if parts and isinstance(value, dict):
        value.pop(parts[-1], None)


def _identity(identity: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"type": str(identity.get("type", "system_assigned"))}
    result["type"] = result["type"].lower().replace("-", "_")
    ids = identity.get("user_assigned_identities") or []
    if ids:
        result["user_assigned_identities"] = sorted(
            str(i.get("resource_id", "")).lower() for i in ids
        )
    return result


def _attrs(value: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    return {key: getattr(value, key, None) for key in defaults}


def _without(value: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != key}


def _fold(settings: dict[str, Any]) -> dict[str, Any]:
    for key in LOWER:
        if isinstance(settings.get(key), str):
            settings[key] = settings[key].lower()
    return settings


def provisioning_state(entity: Any) -> str:
    """``Succeeded`` whether the SDK returns a str-enum or a plain string."""
    value = getattr(entity, "provisioning_state", None)
    return str(getattr(value, "value", value) or "").lower()


def _text(value: Any, default: str) -> str:
    """The plain text of a str-enum (``PublicNetworkAccessType.ENABLED``)."""
    return str(getattr(value, "value", value) or default)
