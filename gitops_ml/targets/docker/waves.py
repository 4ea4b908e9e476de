"""Hosts in waves, each wave reconciled in parallel with a failure budget.

A wave whose failed hosts exceed ``max_unavailable`` stops the rollout: later waves
are not touched.  One failing or unreachable host never stops the others in its wave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Wave:
    name: str
    hosts: list[str]


def group(hosts: list[dict[str, Any]], waves: list[dict[str, Any]]) -> list[Wave]:
    """Hosts in wave order; hosts no selector picks go last, in a wave of their own."""
    result: list[Wave] = []
    taken: set[str] = set()
    for index, wave in enumerate(waves):
        selector = wave.get("selector") or {}
        members = [
            h["name"]
            for h in hosts
            if h["name"] not in taken
            and all((h.get("labels") or {}).get(k) == v for k, v in selector.items())
        ]
        taken.update(members)
        result.append(Wave(wave.get("name") or f"wave-{index + 1}", members))
    rest = [h["name"] for h in hosts if h["name"] not in taken]
    if rest:
        result.append(Wave("rest" if waves else "all", rest))
    return [wave for wave in result if wave.hosts]


def parallel(
    items: Iterable[str], work: Callable[[str], T], parallelism: int
) -> dict[str, T]:
    """``work`` on every item with a bounded pool; results keyed by item."""
    names = list(items)
    if not names:
        return {}
    with ThreadPoolExecutor(max_workers=min(parallelism, len(names))) as pool:
        return dict(zip(names, pool.map(work, names), strict=True))


def roll_out(
    waves: list[Wave],
    work: Callable[[str], bool],
    parallelism: int,
    max_unavailable: int,
) -> tuple[dict[str, bool], str]:
    """Each host's success, and why the rollout stopped early ("" if it did not)."""
    outcome: dict[str, bool] = {}
    for wave in waves:
        outcome.update(parallel(wave.hosts, work, parallelism))
        failed = [h for h in wave.hosts if not outcome[h]]
        if len(failed) > max_unavailable:
            return outcome, (
                f"wave '{wave.name}' had {len(failed)} failed hosts "
                f"({', '.join(failed)}), more than maxUnavailable {max_unavailable}"
            )
    return outcome, ""
