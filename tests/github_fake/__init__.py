"""A contract-checked fake of GitHub's REST API, for tests only."""

from github_fake.fake import Call, FakeGitHub

__all__ = ["Call", "FakeGitHub"]
