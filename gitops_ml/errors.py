"""The product's own errors: every failure a user can cause or fix is one of these.

The CLI's single error boundary turns a ``GitopsError`` into one line per problem and
exit code 1; anything else is a bug (exit 3 with a short crash report).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a file: a repo-relative path, 1-based line and column."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


class GitopsError(Exception):
    """A failure the user can act on: shown as one line plus the next step, exit 1."""

    exit_code = 1

    def __init__(
        self, message: str, *, hint: str = "", location: Location | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}{self.message}"


class InputError(GitopsError):
    """The GitOps repo, a flag or a file given on the command line is wrong."""


class TargetError(GitopsError):
    """A target refused or failed an operation (terminal: retrying will not help)."""


class VersionRejected(TargetError):
    """The version itself is at fault (wrong digest, failed its health check): the
    reconciler records it as failed and does not retry it until Git changes."""


class TransientError(GitopsError):
    """A target could not be reached or answered 5xx/429 after bounded retries."""


class InProgress(GitopsError):
    """The service is still working; re-running the command resumes (exit 75)."""

    exit_code = 75


class LeaseHeld(GitopsError):
    """Another apply holds the environment's lease."""
