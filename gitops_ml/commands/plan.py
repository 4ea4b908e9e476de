"""gitops-ml plan: what apply would change, per environment and site."""

from __future__ import annotations

import argparse

from gitops_ml.commands._common import (
    add_detailed_exitcode,
    add_env_arguments,
    desired_state,
    options,
)
from gitops_ml.reconcile import engine
from gitops_ml.reconcile.affected import affected_environments
from gitops_ml.report import plans
from gitops_ml.workspace import repo_root

HELP = "show what apply would change, without changing anything"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_env_arguments(parser)
    add_detailed_exitcode(parser)
    parser.add_argument(
        "--affected",
        metavar="BASE..HEAD",
        help="only list the environments a commit range touches (contacts no target)",
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="plan versions that failed their health check again",
    )


def run(args: argparse.Namespace) -> int:
    if args.affected:
        names = affected_environments(repo_root(args.repo), args.affected)
        plans.render_affected(names, args.format)
        return 0
    root, spec, names = desired_state(args)
    results = []
    for name in names:
        session = engine.open_session(root, name, args.ref, options(args), spec)
        results.append(engine.make_plan(session))
    plans.render_plans(results, args.format)
    changed = any(p.changed for p in results)
    return 2 if changed and args.detailed_exitcode else 0
