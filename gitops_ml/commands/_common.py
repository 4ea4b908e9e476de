"""Arguments and wiring shared by the reconciling commands."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gitops_ml.errors import GitopsError, InProgress
from gitops_ml.reconcile.objects import EnvironmentFailure
from gitops_ml.spec.repo import RepoSpec
from gitops_ml.targets.base import Options
from gitops_ml.workspace import load_revision, repo_root


def add_env_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME",
        help="environment to work on (repeatable; default: all)",
    )
    parser.add_argument(
        "--ref",
        default="HEAD",
        metavar="REV",
        help="the revision whose desired state to use (default HEAD)",
    )


def add_detailed_exitcode(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 2 when changes or drift are found",
    )


def add_apply_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="deploy a revision off the deploy branch or older than what runs",
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="retry versions that failed their health check",
    )
    parser.add_argument(
        "--allow-destroy",
        action="store_true",
        help="allow an apply that empties an environment",
    )
    parser.add_argument(
        "--lease-wait",
        type=_seconds,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for another apply's lease (default 30)",
    )


def options(args: argparse.Namespace) -> Options:
    return Options(
        force=getattr(args, "force", False),
        retry_failed=getattr(args, "retry_failed", False),
        allow_destroy=getattr(args, "allow_destroy", False),
        lease_wait=getattr(args, "lease_wait", 30.0),
    )


def desired_state(args: argparse.Namespace) -> tuple[Path, RepoSpec, list[str]]:
    """The repo root, the desired state at --ref and the environments to work on."""
    root = repo_root(args.repo)
    spec = load_revision(root, args.ref)
    names = args.env or sorted(spec.environments)
    for name in names:
        spec.environment(name)  # an unknown name is an error before any work
    return root, spec, names


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a number of seconds"
        ) from None
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text}")
    return value


T = TypeVar("T")


def each_environment(
    spec: RepoSpec, names: list[str], work: Callable[[str], T]
) -> tuple[list[T], list[EnvironmentFailure]]:
    """Run ``work`` for each environment on its own: an error in one becomes that
    environment's failure entry, and the others still run."""
    done: list[T] = []
    failed: list[EnvironmentFailure] = []
    for name in names:
        try:
            done.append(work(name))
        except GitopsError as exc:
            failed.append(
                EnvironmentFailure(
                    name,
                    spec.environment(name).target_type,
                    spec.source.commit_sha,
                    str(exc),
                    exc.hint,
                    exc.exit_code,
                )
            )
    return done, failed


def exit_code(code: int, failures: list[EnvironmentFailure]) -> int:
    """The command's own code, unless an environment failed: then 1, or 75 when
    every failure is a service still at work (re-running resumes)."""
    if not failures or code == 1:
        return code if not failures else 1
    if all(f.exit_code == InProgress.exit_code for f in failures):
        return InProgress.exit_code
    return 1
