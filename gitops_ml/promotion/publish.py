"""Put a promotion or rollback branch on GitHub: push, pull request, check run."""

from __future__ import annotations

from dataclasses import dataclass

import git

from gitops_ml.github import checks, pulls
from gitops_ml.github.checks import CheckReport, Published
from gitops_ml.github.client import GitHub, Unreachable, reaching
from gitops_ml.promotion import branch as branches


@dataclass(frozen=True)
class Opened:
    number: int
    url: str
    created: bool
    pushed: bool
    check: Published | None

    def to_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "url": self.url,
            "created": self.created,
            "pushed": self.pushed,
            "check": self.check.channel if self.check else None,
        }


@dataclass(frozen=True)
class Change:
    branch: str
    commit: str
    base_branch: str
    title: str
    body: str
    draft: bool = False


def open_pull_request(
    gh: GitHub,
    repo: git.Repo,
    remote: str,
    change: Change,
    report: CheckReport | None,
) -> Opened:
    """Push the rebuilt branch and open its pull request, or update the open one."""
    token = gh.settings.token
    expected = branches.remote_sha(repo, remote, change.branch, token)
    pushed = expected != change.commit
    if pushed:
        branches.push_branch(repo, remote, change.branch, expected, token)
    try:
        with reaching(gh.settings.api_url):
            outcome = pulls.open_or_update(
                gh,
                change.branch,
                change.base_branch,
                change.title,
                change.body,
                change.draft,
            )
            published = checks.publish(gh, change.commit, report) if report else None
    except Unreachable as exc:
        state = "was pushed" if pushed else "is already"
        raise Unreachable(
            f"{exc.message}; the branch {change.branch} {state} on {remote}",
            hint=f"{exc.hint}: the re-run opens or updates the pull request",
        ) from None
    return Opened(outcome.number, outcome.url, outcome.created, pushed, published)
