"""Publish a report as a check run, or say why it went somewhere else.

One run per (name, commit): an earlier run of the same name with the same content (a
re-run) is re-used; annotations go 50 to a request, the first batch with the create and
the rest as updates (GitHub adds them up); summary and text are cut to GitHub's limit
with a note. A token that may not create check runs falls back to a commit status plus
the job summary (a personal token) or to the job summary and workflow annotations only
(a fork's read-only token).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from github import GithubException
from github.CheckRun import CheckRun
from github.GithubObject import NotSet

from gitops_ml.github.client import GitHub, github_errors, is_rate_limit_error

BATCH = 50
TEXT_LIMIT = 65_535
STATUS_DESCRIPTION_LIMIT = 140
CHECK_RUN, COMMIT_STATUS, SUMMARY = "check-run", "commit-status", "summary"


@dataclass(frozen=True)
class Annotation:
    path: str
    line: int
    message: str
    level: str = "failure"  # notice | warning | failure
    title: str = ""
    end_line: int = 0

    def to_api(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "path": self.path,
            "start_line": max(self.line, 1),
            "end_line": max(self.end_line or self.line, 1),
            "annotation_level": self.level,
            "message": self.message,
        }
        if self.title:
            item["title"] = self.title[:255]
        return item


@dataclass
class CheckReport:
    """What a command found, in the shape a check run shows it."""

    name: str
    title: str
    summary: str
    text: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    failed: bool = False
    details_url: str = ""

    @property
    def conclusion(self) -> str:
        if self.failed or any(a.level == "failure" for a in self.annotations):
            return "failure"
        return "success"

    def digest(self) -> str:
        """A fingerprint of the content: the same report gives the same external_id."""
        payload = json.dumps(
            [
                self.name,
                self.title,
                self.summary,
                self.text,
                self.conclusion,
                [a.to_api() for a in self.annotations],
            ],
            sort_keys=True,
        )
        return "gitops-ml:" + hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Published:
    channel: str  # check-run | commit-status | summary
    url: str = ""
    note: str = ""


def truncate(text: str, limit: int = TEXT_LIMIT) -> str:
    """Cut ``text`` so its UTF-8 encoding fits ``limit`` bytes, with a note."""
    if len(text.encode()) <= limit:
        return text
    note = "\n\n... (truncated: the full report is in the job summary)"
    budget = limit - len(note.encode())
    cut = text.encode()[:budget].decode("utf-8", errors="ignore")
    return cut + note


def batches(annotations: list[Annotation]) -> list[list[dict[str, Any]]]:
    items = [a.to_api() for a in annotations]
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)] or [[]]


def publish(
    gh: GitHub, head_sha: str, report: CheckReport, now: datetime | None = None
) -> Published:
    """Publish ``report`` on ``head_sha`` the best way the token allows."""
    try:
        run = _publish_check_run(gh, head_sha, report, now or datetime.now(UTC))
        return Published(CHECK_RUN, run.html_url or "")
    except GithubException as exc:
        if exc.status != 403 or is_rate_limit_error(exc):
            with github_errors(f"publishing check run '{report.name}'"):
                raise
        why = (
            str((exc.data or {}).get("message", ""))
            if isinstance(exc.data, dict)
            else ""
        )
    return _fall_back(gh, head_sha, report, why)


def _publish_check_run(
    gh: GitHub, head_sha: str, report: CheckReport, now: datetime
) -> CheckRun:
    external_id = report.digest()
    existing = _existing_run(gh, head_sha, report.name, external_id)
    output = _output(report)
    if existing is not None:  # a re-run of the same report: its annotations are there
        existing.edit(
            output={**output, "annotations": []},
            conclusion=report.conclusion,
            completed_at=now,
        )
        return existing
    chunks = batches(report.annotations)
    run = gh.repo.create_check_run(
        name=report.name,
        head_sha=head_sha,
        external_id=external_id,
        details_url=report.details_url or NotSet,
        started_at=now,
        output={**output, "annotations": chunks[0]},
        status="in_progress" if len(chunks) > 1 else NotSet,
        conclusion=report.conclusion if len(chunks) == 1 else NotSet,
        completed_at=now if len(chunks) == 1 else NotSet,
    )
    for index, chunk in enumerate(chunks[1:], start=2):
        final = index == len(chunks)
        run.edit(
            output={**output, "annotations": chunk},
            conclusion=report.conclusion if final else NotSet,
            completed_at=now if final else NotSet,
        )
    return run


def _existing_run(
    gh: GitHub, head_sha: str, name: str, external_id: str
) -> CheckRun | None:
    runs = gh.repo.get_commit(head_sha).get_check_runs(check_name=name, filter="latest")
    for run in _first_page(runs):
        if run.external_id == external_id:
            return run
    return None


def _first_page(runs: Any) -> Iterator[CheckRun]:
    yield from runs.get_page(0)


def _message(exc: GithubException) -> str:
    return str(exc.data.get("message", "")) if isinstance(exc.data, dict) else ""


def _output(report: CheckReport) -> dict[str, Any]:
    output: dict[str, Any] = {
        "title": report.title[:255],
        "summary": truncate(report.summary),
    }
    if report.text:
        output["text"] = truncate(report.text)
    return output


def _fall_back(gh: GitHub, head_sha: str, report: CheckReport, why: str) -> Published:
    if why.startswith("Resource not accessible"):
        return Published(
            SUMMARY,
            note=f"the token is read-only ({why}; a pull request from a fork?): the "
            "report is in the job summary and the workflow annotations only",
        )
    try:
        gh.repo.get_commit(head_sha).create_status(
            state="failure" if report.conclusion == "failure" else "success",
            description=report.title[:STATUS_DESCRIPTION_LIMIT],
            context=report.name,
            target_url=report.details_url or NotSet,
        )
    except GithubException as exc:
        if exc.status != 403 or is_rate_limit_error(exc):
            with github_errors(f"publishing commit status '{report.name}'"):
                raise
        return Published(
            SUMMARY,
            note="the token may create neither check runs nor commit statuses: the "
            "report is in the job summary and the workflow annotations only",
        )
    return Published(
        COMMIT_STATUS,
        note=f"check runs need a GitHub App token and this one is not ({why}): "
        f"published as commit status '{report.name}' plus the job summary",
    )
