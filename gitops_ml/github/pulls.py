"""Open a pull request for a branch, or update the open one: never a second one."""

from __future__ import annotations

from dataclasses import dataclass

from github import GithubException
from github.PullRequest import PullRequest

from gitops_ml.github.client import GitHub, github_errors


@dataclass(frozen=True)
class PullOutcome:
    number: int
    url: str
    created: bool


def open_or_update(
    gh: GitHub, branch: str, base: str, title: str, body: str, draft: bool = False
) -> PullOutcome:
    action = f"opening the pull request for {branch}"
    with github_errors(action):
        existing = find_open(gh, branch, base)
        if existing is not None:
            return _update(existing, title, body)
        try:
            pull = gh.repo.create_pull(
                base=base, head=branch, title=title, body=body, draft=draft
            )
        except GithubException as exc:
            if exc.status != 422 or "already exists" not in str(exc.data):
                raise
            existing = find_open(gh, branch, base)  # opened meanwhile: update it
            if existing is None:
                raise
            return _update(existing, title, body)
    return PullOutcome(pull.number, pull.html_url, created=True)


def find_open(gh: GitHub, branch: str, base: str) -> PullRequest | None:
    pulls = gh.repo.get_pulls(state="open", head=f"{gh.owner}:{branch}", base=base)
    for pull in pulls.get_page(0):
        if pull.head.ref == branch:
            return pull
    return None


def _update(pull: PullRequest, title: str, body: str) -> PullOutcome:
    if pull.title != title or (pull.body or "") != body:
        pull.edit(title=title, body=body)
    return PullOutcome(pull.number, pull.html_url, created=False)
