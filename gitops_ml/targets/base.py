"""The one Protocol every target implements, and what the engine hands it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gitops_ml.reconcile.objects import (
    Action,
    DesiredObject,
    Observation,
    Plan,
    StepResult,
)
from gitops_ml.spec.documents import Environment
from gitops_ml.spec.repo import RepoSpec


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Options:
    """What the user asked for on the command line."""

    force: bool = False
    retry_failed: bool = False
    allow_destroy: bool = False
    lease_wait: float = 30.0


@dataclass
class TargetContext:
    """One environment at one revision, as a target sees it.

    ``root`` is the GitOps repo's work tree (relative paths in the environment, such
    as a model repository root, are resolved against it); ``spec`` is the desired state
    read from Git at ``revision`` (artifact files are read from ``spec.source``).
    """

    root: Path
    spec: RepoSpec
    environment: Environment
    revision: str
    holder: str
    options: Options = field(default_factory=Options)
    clock: Callable[[], dt.datetime] = utc_now
    # how a target waits between health-check polls (tests pass a recorder)
    sleep: Callable[[float], None] = time.sleep


class Target(Protocol):
    """A kind of place models run.  One instance serves one environment."""

    def desired(self) -> list[DesiredObject]:
        """The objects Git asks for, resolved (artifacts pinned, secrets hashed)."""
        ...

    def observe(self) -> Observation:
        """What every site holds now, with the records earlier applies left there."""
        ...

    def plan(self, desired: list[DesiredObject], observed: Observation) -> list[Action]:
        """The ordered actions that make the sites match ``desired``."""
        ...

    def apply(self, plan: Plan) -> list[StepResult]:
        """Carry out ``plan`` safely: health-check each step, undo a failed one."""
        ...

    def lease(self) -> AbstractContextManager[None]:
        """Hold the environment's lease on the target for the length of an apply."""
        ...


# Optional, looked up with getattr by the engine:
#   notes: list[str]                     things the last plan() held back, in words
#   lease_holder() -> str | None         who holds the lease now (another process's
#                                        apply is running), so status says so
