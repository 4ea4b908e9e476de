"""pytest fixtures: the fake served through ``responses``, and a client wired to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from gitops_ml.github.client import GitHub, GitHubSettings

from .fake import FakeGitHub


class Sleeps(list[float]):
    """An injected sleep: remembers how long it was asked to wait, waits zero."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    github = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github.register(mock)
        yield github
    assert github.violations == [], "requests outside the GitHub contract"


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def settings_for(fake: FakeGitHub) -> GitHubSettings:
    return GitHubSettings(
        repository=fake.full_name,
        token=fake.token,
        api_url=fake.api_url,
        max_wait=120,
        seconds_between_writes=None,
    )


@pytest.fixture
def gh(fake: FakeGitHub, sleeps: Sleeps) -> GitHub:
    return GitHub(settings_for(fake), sleep=sleeps, clock=lambda: 1_800_000_000.0)
