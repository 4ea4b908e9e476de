"""gitops-ml apply: make the targets match Git, safely."""

from __future__ import annotations

import argparse

from gitops_ml.commands._common import (
    add_apply_options,
    add_env_arguments,
    desired_state,
    each_environment,
    exit_code,
    options,
)
from gitops_ml.reconcile import engine
from gitops_ml.report import plans

HELP = "make each environment's target match Git at a revision"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_env_arguments(parser)
    add_apply_options(parser)


def run(args: argparse.Namespace) -> int:
    root, spec, names = desired_state(args)
    results, failures = each_environment(
        spec,
        names,
        lambda name: engine.apply(
            engine.open_session(root, name, args.ref, options(args), spec)
        ),
    )
    plans.render_applies(results, args.format, failures)
    # a version held after failing, or a site not reached, leaves the target unlike
    # Git: not a success
    ok = all(r.ok and not r.plan.held and not r.plan.unreachable for r in results)
    return exit_code(0 if ok else 1, failures)
