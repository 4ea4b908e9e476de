"""Rate limits: waited out within a bound, never reported as a permission problem."""

from __future__ import annotations

import pytest

from gitops_ml.github.checks import CheckReport, publish
from gitops_ml.github.client import GitHub, PermissionDenied, RateLimited
from tests.github_fake import FakeGitHub
from tests.github_fake.fake import Fault
from tests.github_fake.fixtures import Sleeps

SHA = "c" * 40
NOW = 1_800_000_000  # the injected clock of the ``gh`` fixture


def report() -> CheckReport:
    return CheckReport(name="gitops-ml/plan", title="plan", summary="no changes")


def test_secondary_limit_waits_retry_after_then_creates_once(
    fake: FakeGitHub, gh: GitHub, sleeps: Sleeps
) -> None:
    fake.secondary_rate_limit(retry_after=7, operation_id="checks/create")

    publish(gh, SHA, report())

    assert sleeps == [7]
    assert len(fake.check_runs) == 1
    assert [c.status for c in fake.requests_for("checks/create")] == [403, 201]


def test_primary_limit_waits_until_the_reset_on_the_injected_clock(
    fake: FakeGitHub, gh: GitHub, sleeps: Sleeps
) -> None:
    fake.primary_rate_limit(reset=NOW + 30, operation_id="checks/list-for-ref")

    publish(gh, SHA, report())

    assert sleeps == [31]  # GitHub's reset second, plus one


def test_a_429_with_no_requests_left_waits_for_the_reset(
    fake: FakeGitHub, gh: GitHub, sleeps: Sleeps
) -> None:
    fake.faults.append(
        Fault(
            429,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(NOW + 5)},
            {"message": "Too many requests"},
            "checks/create",
        )
    )
    publish(gh, SHA, report())

    assert sleeps == [6]


def test_a_wait_longer_than_the_bound_is_a_clear_rate_limit_error(
    fake: FakeGitHub, gh: GitHub, sleeps: Sleeps
) -> None:
    fake.secondary_rate_limit(retry_after=3600, operation_id="checks/create")

    with pytest.raises(RateLimited) as caught:
        publish(gh, SHA, report())

    assert sleeps == []
    assert "rate limit" in str(caught.value)
    assert "3600 s" in str(caught.value)
    assert fake.token not in str(caught.value) + caught.value.hint


def test_a_rate_limit_403_is_never_reported_as_a_permission_problem(
    fake: FakeGitHub, gh: GitHub, sleeps: Sleeps
) -> None:
    fake.secondary_rate_limit(retry_after=1, operation_id="checks/create", times=10)

    with pytest.raises(RateLimited) as caught:
        publish(gh, SHA, report())

    assert not isinstance(caught.value, PermissionDenied)
    assert "may not" not in str(caught.value)
    assert sleeps == [1, 1, 1]  # the configured three retries, then a clear error
