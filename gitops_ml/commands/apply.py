"""gitops-ml apply: make the targets match Git, safely."""

from __future__ import annotations

import argparse

from gitops_ml.commands._common import (
    add_apply_options,
    add_env_arguments,
    desired_state,
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
    results = []
    for name in names:
        session = engine.open_session(root, name, args.ref, options(args), spec)
        results.append(engine.apply(session))
    plans.render_applies(results, args.format)
    return 0 if all(r.ok for r in results) else 1
