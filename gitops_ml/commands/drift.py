"""gitops-ml drift: compare each target with what was applied to it."""

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
from gitops_ml.reconcile import engine
from gitops_ml.report import plans

HELP = "report (or --repair) differences between targets and what was applied"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_env_arguments(parser)
    add_detailed_exitcode(parser)
    parser.add_argument(
        "--repair",
        action="store_true",
        help="put drifted objects back to what was applied",
    )


def run(args: argparse.Namespace) -> int:
    root, spec, names = desired_state(args)

    def one(name: str) -> engine.DriftReport:
        session = engine.open_session(root, name, args.ref, options(args), spec)
        report, _observed = engine.drift(session)
        if args.repair and report.drifted:
            report.repaired = engine.repair(root, report, options(args))
        return report

    reports, failures = each_environment(spec, names, one)
    plans.render_drift(reports, args.format, failures)
    if any(r.repaired and not r.repaired.ok for r in reports):
        return 1
    found = any(r.drifted for r in reports)
    code = 2 if found and args.detailed_exitcode and not args.repair else 0
    return exit_code(code, failures)
