"""The GitHub connection: settings from the environment, PyGithub configured on purpose.

The token is consumed (``GITHUB_TOKEN`` or an App installation token a workflow minted),
never minted, never printed. GitHub's answers become the product's errors here, sorted
by status, message and rate-limit headers rather than by PyGithub's exception type.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from github import Auth, Github, GithubException
from github.GithubException import RateLimitExceededExceedsMaxWait
from github.Repository import Repository

from gitops_ml.errors import GitopsError, InputError, TargetError, TransientError
from gitops_ml.github.retry import Clock, RateLimitRetry, Sleep

DEFAULT_API_URL = "https://api.github.com"


class RateLimited(TransientError):
    """GitHub asked us to slow down for longer than we are willing to wait."""


class PermissionDenied(TargetError):
    """The token may not do this (a real 403, not a rate limit)."""


class Unreachable(TransientError):
    """No answer from GitHub at all: refused, timed out, unknown host, TLS failure."""


@dataclass(frozen=True)
class GitHubSettings:
    repository: str
    token: str = field(repr=False)
    api_url: str = DEFAULT_API_URL
    max_wait: float = 300.0  # the longest single rate-limit wait, in seconds
    retries: int = 3
    seconds_between_writes: float | None = 1.0  # GitHub's content-creation limits
    seconds_between_requests: float | None = None

    @classmethod
    def from_env(
        cls, repository: str | None = None, environ: Mapping[str, str] = os.environ
    ) -> GitHubSettings:
        token = environ.get("GITHUB_TOKEN", "")
        if not token:
            raise InputError(
                "GITHUB_TOKEN is not set",
                hint="export GITHUB_TOKEN (in a workflow: the job's token or a GitHub "
                "App installation token)",
            )
        name = repository or environ.get("GITHUB_REPOSITORY", "")
        if "/" not in name:
            raise InputError(
                "the GitHub repository is unknown",
                hint="set GITHUB_REPOSITORY=owner/name or use a clone whose origin "
                "is on GitHub",
            )
        wait = environ.get("GITOPS_ML_GITHUB_MAX_WAIT", "")
        return cls(
            repository=name,
            token=token,
            api_url=(environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            max_wait=float(wait) if wait else cls.max_wait,
        )


class GitHub:
    """One repository on GitHub, reached through PyGithub."""

    def __init__(
        self,
        settings: GitHubSettings,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.time,
    ) -> None:
        self.settings = settings
        self.clock = clock
        retry = RateLimitRetry(
            total=settings.retries, sleep=sleep, clock=clock, max_wait=settings.max_wait
        )
        self.api = Github(
            base_url=settings.api_url,
            auth=Auth.Token(settings.token),
            retry=retry,
            per_page=100,
            timeout=30,
            lazy=True,
            seconds_between_requests=settings.seconds_between_requests,
            seconds_between_writes=settings.seconds_between_writes,
        )
        self.repo: Repository = self.api.get_repo(settings.repository)

    @property
    def owner(self) -> str:
        return self.settings.repository.split("/")[0]


@contextmanager
def github_errors(action: str) -> Iterator[None]:
    """Turn GitHub's answers into one-line errors that say what to do next."""
    try:
        yield
    except GithubException as exc:
        raise classify(exc, action) from None


@contextmanager
def reaching(api_url: str) -> Iterator[None]:
    """Turn "no answer at all" (refused, timed out, unknown host, TLS) into an error."""
    try:
        yield
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise Unreachable(
            f"cannot reach GitHub at {without_userinfo(api_url)} "
            f"({type(exc).__name__})",
            hint="check GITHUB_API_URL (default https://api.github.com; GitHub "
            "Enterprise Server: https://HOST/api/v3) and the network, then re-run",
        ) from None


def without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def classify(exc: GithubException, action: str) -> GitopsError:
    status = exc.status
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    message = _message(exc)
    if isinstance(exc, RateLimitExceededExceedsMaxWait) or is_rate_limited(
        status, headers, message
    ):
        return _rate_limited(exc, action, headers)
    if status == 401:
        return PermissionDenied(
            f"GitHub rejected the token while {action} (401 {message})",
            hint="check that GITHUB_TOKEN is current and meant for this GitHub",
        )
    if status == 403:
        return PermissionDenied(
            f"the token may not do this: {action} was refused (403 {message})",
            hint="grant the workflow the permission this needs (contents, "
            "pull-requests, checks or statuses: write)",
        )
    if status == 404:
        return TargetError(
            f"GitHub answered 404 while {action}",
            hint="check GITHUB_REPOSITORY and that the token can see the repository",
        )
    if status >= 500:
        return TransientError(
            f"GitHub failed while {action} ({status} {message})",
            hint="re-run the command; GitHub may be having trouble",
        )
    return TargetError(f"GitHub refused {action} ({status} {message})")


def is_rate_limited(status: int, headers: Mapping[str, str], message: str) -> bool:
    if status not in (403, 429):
        return False
    lowered = message.lower()
    return (
        headers.get("x-ratelimit-remaining") == "0"
        or "retry-after" in headers
        or "rate limit" in lowered
        or status == 429
    )


def is_rate_limit_error(exc: GithubException) -> bool:
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    return isinstance(exc, RateLimitExceededExceedsMaxWait) or is_rate_limited(
        exc.status, headers, _message(exc)
    )


def _rate_limited(
    exc: GithubException, action: str, headers: Mapping[str, str]
) -> RateLimited:
    wait = getattr(exc, "wait", None)
    reset = headers.get("x-ratelimit-reset", "")
    when = ""
    if reset.isdigit():
        when = datetime.fromtimestamp(int(reset), UTC).strftime(" (resets %H:%M UTC)")
    detail = f"it asks for {wait:.0f} s" if wait else "retries ran out"
    return RateLimited(
        f"GitHub rate limit while {action}: {detail}{when}",
        hint="re-run later; nothing was left half-done that a re-run will not "
        "finish (GITOPS_ML_GITHUB_MAX_WAIT sets how long to wait)",
    )


def _message(exc: GithubException) -> str:
    data: Any = exc.data
    if isinstance(data, dict):
        text = str(data.get("message", ""))
        errors = data.get("errors") or []
        extra = [e.get("message", "") for e in errors if isinstance(e, dict)]
        return "; ".join([text, *[e for e in extra if e]]).strip("; ")
    return str(data or "")
