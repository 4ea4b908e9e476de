"""gitops-ml drift: compare each target with what was applied to it."""

from __future__ import annotations

import argparse

from gitops_ml.commands._common import (
    add_detailed_exitcode,
    add_env_arguments,
    desired_state,
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
    reports = []
    for name in names:
        session = engine.open_session(root, name, args.ref, options(args), spec)
        report, _observed = engine.drift(session)
        if args.repair and report.drifted:
            report.repaired = engine.repair(root, report, options(args))
        reports.append(report)
    plans.render_drift(reports, args.format)
    if any(r.repaired and not r.repaired.ok for r in reports):
        return 1
    found = any(r.drifted for r in reports)
    return 2 if found and args.detailed_exitcode and not args.repair else 0
