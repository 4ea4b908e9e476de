"""promote without --open-pr: gates read at the base, a local branch, no GitHub."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from tests.github_fake import FakeGitHub
from tests.promotion.promotion_repo import BRANCH, Promote, commit_all, prod_pin


def test_failing_gates_exit_1_and_open_nothing(
    github_env: FakeGitHub,
    promote: Promote,
    work: git.Repo,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = promote("churn-model", "--to", "prod", "--open-pr", upstream_days=0.5)

    assert code == 1
    assert "12h to go" in capsys.readouterr().out
    assert github_env.calls == []
    assert BRANCH not in [h.name for h in work.heads]
    assert github_env.branch_sha(BRANCH) is None


def test_draft_opens_a_draft_pr_with_a_failing_check_run_when_gates_fail(
    github_env: FakeGitHub, promote: Promote
) -> None:
    code = promote(
        "churn-model", "--to", "prod", "--open-pr", "--draft", upstream_days=0.5
    )

    assert code == 1
    (pull,) = github_env.pulls.values()
    assert pull["draft"] is True
    (run,) = github_env.check_runs.values()
    assert run["conclusion"] == "failure"


def test_metrics_come_from_the_base_so_a_branch_cannot_raise_its_own(
    promote: Promote, work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(work.working_dir)
    prod = root / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("value: 0.82", "value: 0.9"))
    commit_all(work, "Raise the prod auc bar")
    work.git.checkout("-q", "-b", "raise-my-numbers")
    model = root / "models" / "churn-model.yaml"
    model.write_text(model.read_text().replace("auc: 0.858", "auc: 0.95"))
    commit_all(work, "Better numbers, trust me")

    assert promote("churn-model", "--to", "prod") == 1

    out = capsys.readouterr().out
    assert "auc >= 0.9" in out and "1.10: 0.858" in out


def test_a_local_promotion_commits_on_the_branch_and_keeps_the_work_tree(
    promote: Promote, work: git.Repo
) -> None:
    head = work.head.commit.hexsha

    assert promote("churn-model", "--to", "prod") == 0

    assert work.head.commit.hexsha == head
    assert not work.is_dirty(untracked_files=True)
    assert prod_pin(work, BRANCH) == "1.10"
    assert work.commit(BRANCH).parents[0].hexsha == head


def test_from_must_match_the_environments_upstream_unless_forced(
    promote: Promote, capsys: pytest.CaptureFixture[str]
) -> None:
    from gitops_ml.errors import InputError

    with pytest.raises(InputError) as caught:
        promote("churn-model", "--from", "dev", "--to", "prod")
    assert "does not match promotion.from: staging" in str(caught.value)

    assert promote("churn-model", "--from", "dev", "--to", "prod", "--force") == 0


def test_nothing_to_promote_when_the_target_already_runs_the_candidate(
    promote: Promote, capsys: pytest.CaptureFixture[str]
) -> None:
    assert promote("churn-model", "--from", "dev", "--to", "staging") == 0
    assert "nothing to promote" in capsys.readouterr().out
