"""gitops-ml history: promotions, rollbacks and holds per environment and model."""

from __future__ import annotations

import argparse

from gitops_ml.promotion.history import History, read_history
from gitops_ml.promotion.promote import model_named
from gitops_ml.report import history as report
from gitops_ml.spec.repo import RepoSpec
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
    _check_names(spec, history, args.env, args.model)
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


def _check_names(
    spec: RepoSpec, history: History, env: str | None, model: str | None
) -> None:
    """Unknown names are errors, as in promote; names only in the past are fine."""
    if env and not any(c.environment == env for c in history.changes):
        spec.environment(env)
    if model and not any(c.model == model for c in history.changes):
        model_named(spec, model)
