"""Gates a promotion must pass, evaluated from data handed in (no I/O here).

Metrics come from the model file at the base revision, so a pull request cannot raise
its own numbers; the upstream observation comes from the upstream target.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gitops_ml.spec.documents import ModelVersion

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class GateResult:
    gate: str  # what was checked, e.g. "auc >= 0.82"
    passed: bool
    detail: str
    kind: str  # threshold | noRegression | soak | upstream | hold
    next: str = ""  # what to do when the gate fails


@dataclass(frozen=True)
class UpstreamObservation:
    """What the upstream target says about the candidate version."""

    environment: str
    in_sync: bool
    healthy: bool
    live_since: datetime | None  # when the version became live there (aware, UTC)
    detail: str = ""


def parse_duration(text: str) -> timedelta:
    seconds = sum(int(n) * _UNITS[u] for n, u in re.findall(r"(\d+)([smhdw])", text))
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    total = max(int(delta.total_seconds()), 0)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else ""]
    parts.append(f"{minutes}m" if minutes or not any(parts) else "")
    return "".join(parts)


def parse_time(text: str) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime (no zone is read as UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def threshold(gate: dict[str, Any], candidate: ModelVersion) -> GateResult:
    metric, op, value = gate["metric"], gate["op"], float(gate["value"])
    name = f"{metric} {op} {value:g}"
    if metric not in candidate.metrics:
        return GateResult(
            name,
            False,
            f"metric '{metric}' is missing on {candidate.version}",
            "threshold",
            _missing(metric, candidate.version),
        )
    actual = float(candidate.metrics[metric])
    passed = OPS[op](actual, value)
    detail = f"{candidate.version}: {actual:g}"
    hint = (
        f"metric {metric} misses {op} {value:g}: register a better version or "
        "change the gate"
    )
    return GateResult(name, passed, detail, "threshold", "" if passed else hint)


def _missing(metric: str, version: str) -> str:
    return f"record metric {metric} on {version} in the model file, or change the gate"


def no_regression(
    gate: dict[str, Any], candidate: ModelVersion, live: ModelVersion | None
) -> GateResult:
    metric, higher = gate["noRegression"], gate["direction"] == "higher"
    tolerance = float(gate.get("tolerance", 0))
    relative = bool(gate.get("relative", False))
    name = f"no regression in {metric} ({'higher' if higher else 'lower'} is better"
    name += f", tolerance {tolerance:g}{' relative' if relative else ''})"
    if live is None:
        return GateResult(name, True, "nothing live to compare with", "noRegression")
    for side in (candidate, live):
        if metric not in side.metrics:
            return GateResult(
                name,
                False,
                f"metric '{metric}' is missing on {side.version}",
                "noRegression",
                _missing(metric, side.version),
            )
    new, old = float(candidate.metrics[metric]), float(live.metrics[metric])
    allowed = tolerance * abs(old) if relative else tolerance
    passed = new >= old - allowed if higher else new <= old + allowed
    detail = f"{candidate.version}: {new:g} vs live {live.version}: {old:g}"
    hint = (
        f"metric {metric} regresses against {live.version}: register a better "
        "version or change the gate"
    )
    return GateResult(name, passed, detail, "noRegression", "" if passed else hint)


def soak(
    duration: str, version: str, upstream: UpstreamObservation | None, now: datetime
) -> GateResult:
    where = upstream.environment if upstream else "upstream"
    name = f"soak {duration} in {where}"
    if upstream is None or upstream.live_since is None:
        why = upstream.detail if upstream else "the upstream target was not observed"
        return GateResult(
            name,
            False,
            f"{version} is not live upstream ({why})",
            "soak",
            f"make {version} live and healthy in {where} (gitops-ml apply --env "
            f"{where}), then wait {duration} for the soak",
        )
    needed = parse_duration(duration)
    live_for = now.astimezone(UTC) - upstream.live_since
    if live_for >= needed:
        return GateResult(name, True, f"live for {format_duration(live_for)}", "soak")
    remaining = format_duration(needed - live_for)
    detail = f"live for {format_duration(live_for)}; {remaining} to go"
    hint = f"wait {remaining} for the soak in {where}, then re-run"
    return GateResult(name, False, detail, "soak", hint)


def upstream_state(version: str, upstream: UpstreamObservation | None) -> GateResult:
    if upstream is None:
        return GateResult(
            "upstream in sync and healthy", True, "no upstream", "upstream"
        )
    name = f"{upstream.environment} in sync and healthy"
    passed = upstream.in_sync and upstream.healthy
    detail = upstream.detail or ("yes" if passed else "no")
    env = upstream.environment
    hint = (
        f"bring {env} in sync and healthy (gitops-ml status --env {env}, then "
        f"gitops-ml apply --env {env})"
    )
    return GateResult(name, passed, detail, "upstream", "" if passed else hint)


def evaluate(
    gates: list[dict[str, Any]],
    soak_for: str | None,
    candidate: ModelVersion,
    live: ModelVersion | None,
    upstream: UpstreamObservation | None,
    now: datetime,
) -> list[GateResult]:
    results = [
        threshold(g, candidate) if "metric" in g else no_regression(g, candidate, live)
        for g in gates
    ]
    if upstream is not None:
        results.append(upstream_state(candidate.version, upstream))
    if soak_for:
        results.append(soak(soak_for, candidate.version, upstream, now))
    return results
