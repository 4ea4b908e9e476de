"""Reply bodies that satisfy GitHub's response schemas.

``sample`` fills every required field of a schema with a plain value of the right type;
the builders below lay the fake's state over it. The fake validates the result against
the contract before answering, so a builder that drifts from the schema fails the test.
"""

from __future__ import annotations

import copy
from typing import Any

from .contract import Contract

NOW = "2026-12-03T10:00:00Z"
HTML = "https://github.example.test"


def sample(contract: Contract, schema: dict[str, Any]) -> Any:
    schema = contract.resolve(schema)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample(contract, part)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return sample(contract, schema[key][0])
    if schema.get("nullable"):
        return None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if kind == "object":
        props = schema.get("properties", {})
        return {
            name: sample(contract, props.get(name, {}))
            for name in schema.get("required", [])
        }
    return _scalar(kind, schema.get("format", ""))


def _scalar(kind: str, fmt: str) -> Any:
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if fmt == "date-time":
        return NOW
    if fmt == "uri":
        return f"{HTML}/x"
    return "x"


def deep_merge(base: Any, overrides: dict[str, Any]) -> Any:
    result = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def build(contract: Contract, component: str, **overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = sample(contract, contract.component(component))
    return deep_merge(value, overrides)  # type: ignore[no-any-return]


def user(contract: Contract, login: str) -> dict[str, Any]:
    return build(
        contract,
        "simple-user",
        login=login,
        id=abs(hash(login)) % 10_000,
        type="User",
        html_url=f"{HTML}/{login}",
        url=f"{HTML}/api/users/{login}",
    )


def repository(contract: Contract, api: str, owner: str, name: str) -> dict[str, Any]:
    return build(
        contract,
        "full-repository",
        id=4242,
        name=name,
        full_name=f"{owner}/{name}",
        owner=user(contract, owner),
        default_branch="main",
        private=True,
        html_url=f"{HTML}/{owner}/{name}",
        url=f"{api}/repos/{owner}/{name}",
        clone_url=f"{HTML}/{owner}/{name}.git",
    )
