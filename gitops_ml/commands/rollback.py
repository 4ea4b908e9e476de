"""gitops-ml rollback: undo the last promotion into an environment, holding it."""

from __future__ import annotations

import argparse
import os

from gitops_ml import gitrepo
from gitops_ml.github.client import GitHub
from gitops_ml.github.publishing import connect
from gitops_ml.promotion import branch as branches
from gitops_ml.promotion.publish import Change, open_pull_request
from gitops_ml.promotion.rollback import roll_back
from gitops_ml.report import history as report
from gitops_ml.workspace import load_folder, load_revision, repo_root

HELP = "revert the last promotion into an environment (optionally as a PR)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", required=True, metavar="ENV")
    parser.add_argument("--model", metavar="MODEL", help="only this model's promotion")
    parser.add_argument(
        "--to", metavar="REV", help="restore the pin the environment had at REV"
    )
    parser.add_argument(
        "--open-pr", action="store_true", help="push the branch and open a PR"
    )


def run(args: argparse.Namespace) -> int:
    return execute(args)


def execute(args: argparse.Namespace, github: GitHub | None = None) -> int:
    """Run rollback; ``github`` is the client to use (tests inject sleep and clock)."""
    root = repo_root(args.repo)
    repo = gitrepo.open_repo(root)
    settings = load_folder(root).settings
    token = os.environ.get("GITHUB_TOKEN") if args.open_pr else None
    base = branches.base_revision(
        repo, settings.remote, settings.deploy_branch, args.open_pr, token
    )
    spec = load_revision(root, base)
    result = roll_back(root, repo, spec, args.env, args.model, args.to)
    branches.set_branch(repo, result.branch, result.commit)
    opened = None
    if args.open_pr:
        gh = connect(root, github)
        body = report.rollback_markdown(result)
        change = Change(
            result.branch, result.commit, settings.deploy_branch, result.title, body
        )
        opened = open_pull_request(gh, repo, settings.remote, change, None)
    report.render_rollback(result, opened, args.format)
    return 0
