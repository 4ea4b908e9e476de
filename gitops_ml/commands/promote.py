"""gitops-ml promote: gate a version and pin it in the next environment."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

import git

from gitops_ml import gitrepo
from gitops_ml.github.client import GitHub
from gitops_ml.github.options import add_report_argument, wants_check_run
from gitops_ml.github.publishing import connect, publish_report
from gitops_ml.promotion import branch as branches
from gitops_ml.promotion.gates import UpstreamObservation
from gitops_ml.promotion.promote import Observe, Promotion, Request, prepare
from gitops_ml.promotion.publish import Change, Opened, open_pull_request
from gitops_ml.promotion.upstream import observe_upstream
from gitops_ml.report import promotion as report
from gitops_ml.report.published import published
from gitops_ml.spec.repo import RepoSpec
from gitops_ml.workspace import load_folder, load_revision, repo_root

HELP = "gate a model version and pin it in an environment (optionally as a PR)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL")
    parser.add_argument("--to", required=True, metavar="ENV", help="target environment")
    parser.add_argument(
        "--from",
        dest="source",
        metavar="ENV",
        help="upstream environment (must match promotion.from unless --force)",
    )
    parser.add_argument("--version", metavar="V", help="promote this version")
    parser.add_argument(
        "--open-pr", action="store_true", help="push the branch and open a PR"
    )
    parser.add_argument(
        "--draft",
        action="store_true",
        help="open a draft PR even when gates fail",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="promote a held version or from another environment",
    )
    add_report_argument(parser)


def run(args: argparse.Namespace) -> int:
    return execute(args)


def execute(
    args: argparse.Namespace,
    observe: Observe | None = None,
    now: datetime | None = None,
    github: GitHub | None = None,
) -> int:
    root = repo_root(args.repo)
    repo = gitrepo.open_repo(root)
    settings = load_folder(root).settings
    token = os.environ.get("GITHUB_TOKEN") if args.open_pr else None
    base = branches.base_revision(
        repo, settings.remote, settings.deploy_branch, args.open_pr, token
    )
    spec = load_revision(root, base)
    request = Request(args.model, args.to, args.source, args.version, args.force)
    promotion = prepare(
        root, spec, request, observe or _observer(root), now or datetime.now(UTC)
    )
    if promotion.no_change or not (promotion.passed or args.draft):
        report.render(promotion, None, args.format)
        return 0 if promotion.no_change else 1
    promotion.commit = branches.commit_file(
        repo, base, promotion.env_path, promotion.new_text, promotion.message()
    )
    branches.set_branch(repo, promotion.branch, promotion.commit)
    opened = _publish(args, root, repo, spec, promotion, github)
    report.render(promotion, opened.to_json() if opened else None, args.format)
    if opened and opened.check:
        check = report.check_report(promotion, "")
        published(opened.check, check, args.format)
    return 0 if promotion.passed else 1


def _observer(root: Path) -> Observe:
    def observe(
        spec: RepoSpec, env: str, model: str, version: str
    ) -> UpstreamObservation:
        return observe_upstream(root, spec, env, model, version)

    return observe


def _publish(
    args: argparse.Namespace,
    root: Path,
    repo: git.Repo,
    spec: RepoSpec,
    promotion: Promotion,
    github: GitHub | None,
) -> Opened | None:
    body = report.markdown(promotion)
    check = report.check_report(promotion, body)
    if not args.open_pr:
        if wants_check_run(args):
            published(publish_report(root, check), check, args.format)
        return None
    gh = connect(root, github)
    change = Change(
        promotion.branch,
        promotion.commit,
        spec.settings.deploy_branch,
        promotion.title,
        body,
        draft=args.draft or not promotion.passed,
    )
    return open_pull_request(gh, repo, spec.settings.remote, change, check)
