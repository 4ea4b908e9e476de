"""rollback: the exact inverse of the last promotion, for every way a PR is merged."""

from __future__ import annotations

import time
from pathlib import Path

import git
import pytest

from tests.github_fake import FakeGitHub
from tests.github_fake.factories import HTML
from tests.github_fake.fixtures import Sleeps
from tests.promotion.promotion_repo import (
    BRANCH,
    Promote,
    Rollback,
    cli,
    merge,
    prod_pin,
    step_outputs,
)

ROLLBACK = "gitops-ml/rollback/prod/churn-model"


@pytest.mark.parametrize("how", ["merge", "squash", "rebase"])
def test_rollback_is_the_exact_inverse_of_the_promotion(
    promote: Promote, work: git.Repo, how: str
) -> None:
    assert promote("churn-model", "--to", "prod") == 0
    landed = merge(work, BRANCH, how)
    before = work.commit(landed).parents[0]

    assert cli(work, "rollback", "--env", "prod", "--model", "churn-model") == 0

    undo = work.commit(ROLLBACK)
    assert undo.parents[0].hexsha == landed
    assert undo.tree.hexsha == before.tree.hexsha  # exactly what was there before
    assert prod_pin(work, ROLLBACK) == "1.9"
    assert "Gitops-Ml-Rolled-Back: 1.10" in str(undo.message)


def test_rollback_leaves_the_work_tree_and_branch_alone(
    promote: Promote, work: git.Repo
) -> None:
    promote("churn-model", "--to", "prod")
    merge(work, BRANCH)
    head = work.head.commit.hexsha

    cli(work, "rollback", "--env", "prod")

    assert work.head.commit.hexsha == head
    assert not work.is_dirty(untracked_files=True)


def test_a_conflicting_rollback_aborts_cleanly_and_names_the_later_commit(
    promote: Promote, work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    promote("churn-model", "--to", "prod")
    merge(work, BRANCH)
    prod = Path(work.working_dir) / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace('"1.10"', '"1.10"  # approved by ops'))
    work.git.commit("-qam", "Note who approved 1.10")
    later = work.head.commit.hexsha[:7]

    assert cli(work, "rollback", "--env", "prod") == 1

    err = capsys.readouterr().err
    assert "cannot revert" in err
    assert f"{later} Note who approved 1.10" in err
    assert not work.is_dirty(untracked_files=True)
    assert [w for w in work.git.worktree("list").splitlines()] == [
        w for w in work.git.worktree("list").splitlines() if "gitops-ml-" not in w
    ]


def test_rollback_with_open_pr_opens_one_pr_for_the_revert(
    github_env: FakeGitHub, promote: Promote, rollback: Rollback, work: git.Repo
) -> None:
    promote("churn-model", "--to", "prod")
    merge(work, BRANCH)

    assert rollback("--env", "prod", "--open-pr") == 0
    assert rollback("--env", "prod", "--open-pr") == 0

    (pull,) = github_env.pulls.values()
    assert pull["head"] == ROLLBACK
    assert github_env.branch_sha(ROLLBACK) == work.commit(ROLLBACK).hexsha


def test_a_rate_limited_rollback_pr_waits_through_the_injected_sleep(
    github_env: FakeGitHub,
    promote: Promote,
    rollback: Rollback,
    work: git.Repo,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    promote("churn-model", "--to", "prod")
    merge(work, BRANCH)
    github_env.secondary_rate_limit(retry_after=7, operation_id="pulls/create")
    monkeypatch.setattr(time, "sleep", _never_sleep)

    assert rollback("--env", "prod", "--open-pr") == 0

    assert sleeps == [7]
    assert len(github_env.pulls) == 1


def _never_sleep(seconds: float) -> None:
    raise AssertionError(f"a test slept {seconds} s for real")


def test_rollback_to_a_revision_restores_that_revisions_pin(
    promote: Promote, work: git.Repo
) -> None:
    first = work.head.commit.hexsha
    promote("churn-model", "--to", "prod")
    merge(work, BRANCH)

    assert cli(work, "rollback", "--env", "prod", "--to", first) == 0
    assert prod_pin(work, ROLLBACK) == "1.9"


def test_with_github_format_the_revert_pr_url_becomes_a_step_output(
    github_env: FakeGitHub,
    promote: Promote,
    work: git.Repo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    promote("churn-model", "--to", "prod")
    merge(work, BRANCH)
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))

    assert (
        cli(work, "rollback", "--env", "prod", "--open-pr", "--format", "github") == 0
    )

    assert step_outputs(output) == {"pull-request-url": f"{HTML}/acme/models/pull/1"}
