"""rollback refuses what is not a promotion: an added pin, unknown names, no change."""

from __future__ import annotations

import shutil
from pathlib import Path

import git
import pytest

from tests.promotion.promotion_repo import (
    BRANCH,
    EXAMPLE,
    Promote,
    cli,
    commit_all,
    merge,
)

ROLLBACK = "gitops-ml/rollback/staging/churn-model"


@pytest.fixture
def fresh(tmp_path: Path) -> git.Repo:
    """A repository whose only commit adds every file: nothing was ever promoted."""
    root = tmp_path / "fresh"
    for folder in ("models", "environments", "artifacts"):
        shutil.copytree(EXAMPLE / folder, root / folder)
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test Person")
        config.set_value("user", "email", "person@example.com")
    commit_all(repo, "Example GitOps tree")
    return repo


def _heads(repo: git.Repo) -> list[str]:
    return sorted(h.name for h in repo.heads)


def test_an_added_environment_file_is_not_a_promotion_to_roll_back(
    fresh: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(fresh, "rollback", "--env", "staging") == 1

    assert "no promotion into staging found" in capsys.readouterr().err
    assert _heads(fresh) == ["main"]


def test_an_added_pin_ends_the_search_for_an_earlier_promotion(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(work.working_dir)
    staging = root / "environments" / "staging.yaml"
    text = staging.read_text()
    staging.unlink()
    commit_all(work, "Retire staging")
    staging.write_text(text)
    commit_all(work, "Bring staging back")

    assert cli(work, "rollback", "--env", "staging", "--model", "churn-model") == 1

    assert "no promotion into staging found" in capsys.readouterr().err
    assert ROLLBACK not in _heads(work)


def test_rollback_to_a_revision_before_the_environment_existed_is_refused(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(work.working_dir)
    before = work.head.commit.hexsha
    extra = root / "environments" / "canary.yaml"
    extra.write_text(
        (root / "environments" / "local.yaml")
        .read_text()
        .replace("name: local", "name: canary")
        .replace("serving/model-repository", "serving/canary")
    )
    commit_all(work, "Add canary")

    assert cli(work, "rollback", "--env", "canary", "--to", before) == 1

    err = capsys.readouterr().err
    assert "no promotion into canary found" in err
    assert "does not exist at" in err
    assert "gitops-ml/rollback/canary/churn-model" not in _heads(work)


def test_rollback_to_a_revision_with_an_unknown_model_names_the_model(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    first = work.commit("HEAD~1").hexsha

    code = cli(
        work, "rollback", "--env", "staging", "--to", first, "--model", "nomodel"
    )

    assert code == 1
    err = capsys.readouterr().err
    assert "model 'nomodel' does not exist" in err
    assert "would change" not in err


def test_rollback_of_an_unknown_model_names_the_model(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(work, "rollback", "--env", "staging", "--model", "nomodel") == 1
    assert "model 'nomodel' does not exist" in capsys.readouterr().err


def test_rollback_to_a_revision_with_the_same_pins_says_nothing_to_roll_back(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(work, "rollback", "--env", "prod", "--to", "HEAD") == 1

    err = capsys.readouterr().err
    assert "pins the same versions as at HEAD: nothing to roll back" in err
    assert "gitops-ml/rollback/prod/churn-model" not in _heads(work)


def test_a_real_promotion_after_an_added_pin_is_still_found(
    promote: Promote, work: git.Repo
) -> None:
    assert promote("churn-model", "--to", "prod") == 0
    merge(work, BRANCH)

    assert cli(work, "rollback", "--env", "prod") == 0

    message = str(work.commit("gitops-ml/rollback/prod/churn-model").message)
    assert "Gitops-Ml-Version: 1.9" in message
