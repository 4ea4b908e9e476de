"""gitops-ml hold: list the holds Git history implies, or release one with a commit."""

from __future__ import annotations

import argparse

from gitops_ml import gitrepo
from gitops_ml.errors import InputError
from gitops_ml.promotion.history import read_history
from gitops_ml.promotion.holds import release
from gitops_ml.report import history as report
from gitops_ml.workspace import load_revision, repo_root

HELP = "list held versions, or release one (MODEL@VERSION) with a commit"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "release"))
    parser.add_argument("target", nargs="?", metavar="MODEL@VERSION")
    parser.add_argument("--env", metavar="ENV", help="only holds in this environment")


def run(args: argparse.Namespace) -> int:
    root = repo_root(args.repo)
    spec = load_revision(root, "HEAD")
    history = read_history(root, spec, "HEAD")
    if args.action == "list":
        holds = [h for h in history.holds if not args.env or h.environment == args.env]
        report.render_holds(holds, args.format)
        return 0
    if not args.target or "@" not in args.target:
        raise InputError(
            "hold release needs MODEL@VERSION",
            hint="e.g. hold release churn-model@1.10",
        )
    model, version = args.target.split("@", 1)
    held = [h for h in history.holds if (h.model, h.version) == (model, version)]
    if not held:
        raise InputError(
            f"{model}@{version} is not held", hint="gitops-ml hold list shows the holds"
        )
    sha = release(gitrepo.open_repo(root), model, version, held)
    report.render_release(model, version, held, sha, args.format)
    return 0
