"""gitops-ml history: promotions, rollbacks and holds per environment and model."""

from __future__ import annotations

import argparse

from gitops_ml.promotion.history import read_history
from gitops_ml.report import history as report
from gitops_ml.workspace import load_revision, repo_root

HELP = "show promotions, rollbacks and holds per environment and model"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", metavar="NAME", help="only this environment")
    parser.add_argument("--model", metavar="NAME", help="only this model")
    parser.add_argument("--ref", default="HEAD", metavar="REV", help="read up to REV")


def run(args: argparse.Namespace) -> int:
    root = repo_root(args.repo)
    spec = load_revision(root, args.ref)
    history = read_history(root, spec, args.ref)
    changes = [
        c
        for c in history.changes
        if (not args.env or c.environment == args.env)
        and (not args.model or c.model == args.model)
    ]
    holds = [
        h
        for h in history.holds
        if (not args.env or h.environment == args.env)
        and (not args.model or h.model == args.model)
    ]
    report.render_history(changes, history.releases, holds, args.format)
    return 0
