"""gitops-ml status: per environment and site, what runs and whether it is in sync."""

from __future__ import annotations

import argparse

from gitops_ml.commands._common import (
    add_env_arguments,
    desired_state,
    each_environment,
    exit_code,
    options,
)
from gitops_ml.reconcile import engine
from gitops_ml.report import plans

HELP = "show applied revisions and versions: in sync, behind, drifted, failed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_env_arguments(parser)


def run(args: argparse.Namespace) -> int:
    root, spec, names = desired_state(args)
    results, failures = each_environment(
        spec,
        names,
        lambda name: engine.status(
            engine.open_session(root, name, args.ref, options(args), spec)
        ),
    )
    plans.render_status(results, root, args.format, failures)
    return exit_code(0, failures)
