"""A contract-checked fake of GitHub's REST API, for tests only."""

from .fake import Call, FakeGitHub

__all__ = ["Call", "FakeGitHub"]
