"""gitops-ml plan: what apply would change, per environment and site."""

from __future__ import annotations

import argparse

from gitops_ml.commands._common import (
    add_detailed_exitcode,
    add_env_arguments,
    desired_state,
    each_environment,
    exit_code,
    options,
)
from gitops_ml.github.options import add_report_argument, wants_check_run
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
        help="only list the environments a commit range touches (contacts no "
        "target); BASE...HEAD compares from the merge base",
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="plan versions that failed their health check again",
    )
    add_report_argument(parser)


def run(args: argparse.Namespace) -> int:
    if args.affected:
        names = affected_environments(repo_root(args.repo), args.affected)
        plans.render_affected(names, args.format)
        return 0
    root, spec, names = desired_state(args)
    results, failures = each_environment(
        spec,
        names,
        lambda name: engine.preview(
            engine.open_session(root, name, args.ref, options(args), spec)
        ),
    )
    plans.render_plans(results, args.format, failures)
    if wants_check_run(args):
        changed_envs = [p.environment for p in results if not p.matches_git]
        markdown = plans.plans_markdown(results, failures)
        from gitops_ml.github.publishing import plan_report, publish_report
        from gitops_ml.report.published import published

        report = plan_report(changed_envs, len(results), markdown)
        published(publish_report(root, report), report, args.format)
    # a held failure also means the target does not match Git
    changed = any(not p.matches_git for p in results)
    return exit_code(2 if changed and args.detailed_exitcode else 0, failures)
