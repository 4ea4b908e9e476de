"""``--report check-run``: the option and the call every publishing command shares."""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from gitops_ml import gitrepo
from gitops_ml.github.checks import Annotation, CheckReport, Published, publish
from gitops_ml.github.client import GitHub, GitHubSettings
from gitops_ml.validation import ValidationResult

_REMOTE = re.compile(r"[:/](?P<name>[^/:]+/[^/]+?)(?:\.git)?/?$")


def add_report_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report",
        choices=("none", "check-run"),
        default="none",
        help="also publish the result on GitHub as a check run (a commit status or "
        "the job summary when the token may not create check runs)",
    )


def wants_check_run(args: argparse.Namespace) -> bool:
    return getattr(args, "report", "none") == "check-run"


def publish_report(
    root: Path, report: CheckReport, environ: Mapping[str, str] = os.environ
) -> Published:
    settings = GitHubSettings.from_env(repository_of(root, environ), environ)
    return publish(GitHub(settings), head_sha(root, environ), report)


def head_sha(root: Path, environ: Mapping[str, str] = os.environ) -> str:
    """The commit a check belongs to: a pull request's head, else the checkout."""
    event_path = environ.get("GITHUB_EVENT_PATH")
    if event_path and Path(event_path).is_file():
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        sha = (event.get("pull_request") or {}).get("head", {}).get("sha")
        if sha:
            return str(sha)
    if environ.get("GITHUB_SHA"):
        return environ["GITHUB_SHA"]
    return gitrepo.open_repo(root).head.commit.hexsha


def repository_of(root: Path, environ: Mapping[str, str] = os.environ) -> str | None:
    if environ.get("GITHUB_REPOSITORY"):
        return environ["GITHUB_REPOSITORY"]
    repo = gitrepo.open_repo(root)
    if "origin" not in [r.name for r in repo.remotes]:
        return None
    match = _REMOTE.search(repo.remotes.origin.url)
    return match.group("name") if match else None


def validation_report(result: ValidationResult, summary: str) -> CheckReport:
    annotations = [
        Annotation(
            path=f.location.file,
            line=f.location.line,
            message=f.message + (f"\n\nNext: {f.hint}" if f.hint else ""),
            level="failure" if f.severity == "error" else "warning",
            title=f"gitops-ml: {f.rule}",
        )
        for f in result.findings
    ]
    title = (
        f"{len(result.files)} files valid"
        if result.ok
        else f"{len(result.findings)} problem(s) in {len(result.files)} files"
    )
    return CheckReport(
        name="gitops-ml/validate",
        title=title,
        summary=summary,
        annotations=annotations,
        failed=not result.ok,
    )


def plan_report(changed: list[str], total: int, summary: str) -> CheckReport:
    """A plan as a check run: neutral information, never a failure by itself."""
    title = (
        f"changes in {len(changed)} of {total} environments: {', '.join(changed)}"
        if changed
        else f"no changes in {total} environments"
    )
    return CheckReport(name="gitops-ml/plan", title=title, summary=summary)
