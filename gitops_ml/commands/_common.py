"""Arguments and wiring shared by the reconciling commands."""

from __future__ import annotations

import argparse
from pathlib import Path

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
        type=float,
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
