"""``--report check-run``: the option and the call every publishing command shares."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from gitops_ml import gitrepo
from gitops_ml.errors import InputError
from gitops_ml.github.checks import Annotation, CheckReport, Published, publish
from gitops_ml.github.client import (
    GitHub,
    GitHubSettings,
    reaching,
    without_userinfo,
)
from gitops_ml.validation import ValidationResult

# git@github.com:owner/name.git (scp-like ssh); URLs are read with urlsplit
_SCP = re.compile(r"(?:[^@/:]+@)?(?P<host>[^@/:]+):(?P<path>[^/].*)")
_SCHEMES = ("https", "ssh", "git+ssh")


def connect(
    root: Path, github: GitHub | None = None, environ: Mapping[str, str] = os.environ
) -> GitHub:
    """The GitHub client a command uses: the one handed in (tests), else from env."""
    if github is not None:
        return github
    return GitHub(GitHubSettings.from_env(repository_of(root, environ), environ))


def publish_report(
    root: Path, report: CheckReport, environ: Mapping[str, str] = os.environ
) -> Published:
    settings = GitHubSettings.from_env(repository_of(root, environ), environ)
    sha = head_sha(root, environ)
    with reaching(settings.api_url):
        return publish(GitHub(settings), sha, report)


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
    """``owner/name``: GITHUB_REPOSITORY, else read from an origin that is on GitHub."""
    if environ.get("GITHUB_REPOSITORY"):
        return environ["GITHUB_REPOSITORY"]
    repo = gitrepo.open_repo(root)
    if "origin" not in [r.name for r in repo.remotes]:
        return None
    url = repo.remotes.origin.url
    hosts = github_hosts(environ)
    name = repository_from_url(url, hosts)
    if name is None:
        raise InputError(
            f"the remote origin ({without_userinfo(url)}) is not a repository on "
            f"{' or '.join(sorted(hosts))}, so the GitHub repository is unknown",
            hint="set GITHUB_REPOSITORY=owner/name",
        )
    return name


def github_hosts(environ: Mapping[str, str] = os.environ) -> set[str]:
    """github.com, plus the host of GITHUB_SERVER_URL / GITHUB_API_URL (Enterprise)."""
    hosts = {"github.com", "ssh.github.com"}
    for key in ("GITHUB_SERVER_URL", "GITHUB_API_URL"):
        host = urlsplit(environ.get(key, "")).hostname
        if host and host != "api.github.com":
            hosts.add(host.lower())
    return hosts


def repository_from_url(url: str, hosts: set[str]) -> str | None:
    """``owner/name`` of an https or ssh remote on one of ``hosts``, else None."""
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme.lower() not in _SCHEMES:
            return None
        host, path = parts.hostname or "", parts.path
    else:
        match = _SCP.fullmatch(url)
        if match is None:
            return None
        host, path = match.group("host"), match.group("path")
    if host.lower() not in hosts:
        return None
    path = path.strip("/")
    path = path.removesuffix(".git")
    segments = path.split("/")
    if len(segments) != 2 or not all(segments):
        return None
    return "/".join(segments)


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
