"""promote --open-pr when GitHub or the remote push back."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_ml.errors import TargetError
from tests.github_fake import FakeGitHub
from tests.github_fake.fake import Fault
from tests.github_fake.fixtures import Sleeps
from tests.promotion.promotion_repo import BRANCH, Promote

ARGS = ("churn-model", "--from", "staging", "--to", "prod", "--open-pr")


def test_a_rejected_push_fails_loudly_and_opens_no_pr(
    github_env: FakeGitHub, promote: Promote, origin: Path
) -> None:
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch protected' >&2\nexit 1\n")
    hook.chmod(0o755)

    with pytest.raises(TargetError) as caught:
        promote(*ARGS)

    assert "rejected" in str(caught.value)
    assert github_env.pulls == {}
    assert github_env.token not in str(caught.value) + caught.value.hint


def test_a_secondary_rate_limit_on_pr_creation_waits_then_opens_one_pr(
    github_env: FakeGitHub, promote: Promote, sleeps: Sleeps
) -> None:
    github_env.secondary_rate_limit(retry_after=5, operation_id="pulls/create")

    assert promote(*ARGS) == 0

    assert sleeps == [5]
    assert len(github_env.pulls) == 1


def test_pull_request_already_exists_leads_to_an_update_not_a_failure(
    github_env: FakeGitHub, promote: Promote
) -> None:
    promote(*ARGS)
    # the next lookup misses the open PR (a parallel run, a lagging search)
    github_env.faults.append(Fault(200, {}, [], "pulls/list"))  # type: ignore[arg-type]

    assert promote(*ARGS, "--version", "1.10") == 0

    assert len(github_env.pulls) == 1
    statuses = [c.status for c in github_env.requests_for("pulls/create")]
    assert statuses == [201, 422]


def test_the_token_never_reaches_git_config_or_the_output(
    github_env: FakeGitHub,
    promote: Promote,
    work: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    promote(*ARGS)

    config = (Path(work.working_dir) / ".git" / "config").read_text()  # type: ignore[attr-defined]
    out = capsys.readouterr()
    assert github_env.token not in config
    assert "extraheader" not in config.lower()
    assert github_env.token not in out.out + out.err
    assert BRANCH in out.out
