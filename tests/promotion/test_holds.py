"""Holds come from Git history: a move back holds the version until it is released."""

from __future__ import annotations

import json

import git
import pytest

from tests.github_fake import FakeGitHub
from tests.promotion.promotion_repo import BRANCH, Promote, cli, merge


def holds(work: git.Repo, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    capsys.readouterr()
    assert cli(work, "hold", "list", "--format", "json") == 0
    found = json.loads(capsys.readouterr().out)["holds"]
    return sorted((h["environment"], f"{h['model']}@{h['version']}") for h in found)


def test_a_hand_made_git_revert_holds_the_version(
    promote: Promote, work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    promote("churn-model", "--to", "prod")
    landed = merge(work, BRANCH)
    work.git.revert("--no-edit", "-m", "1", landed)

    assert holds(work, capsys) == [("prod", "churn-model@1.10")]


def test_moving_staging_back_holds_the_version_downstream_too(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    work.git.revert("--no-edit", "HEAD")  # staging 1.10 -> 1.9, by hand

    assert holds(work, capsys) == [
        ("prod", "churn-model@1.10"),
        ("staging", "churn-model@1.10"),
    ]


def test_a_held_version_is_refused_until_the_hold_is_released(
    github_env: FakeGitHub,
    promote: Promote,
    work: git.Repo,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("churn-model", "--from", "staging", "--to", "prod", "--open-pr")
    assert promote(*args) == 0
    merge(work, BRANCH)
    assert cli(work, "rollback", "--env", "prod", "--model", "churn-model") == 0
    merge(work, "gitops-ml/rollback/prod/churn-model")
    github_env.pulls[1]["state"] = "closed"  # the first PR was merged
    capsys.readouterr()

    assert promote(*args) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "not held in prod" in out
    assert len(github_env.pulls) == 1  # nothing opened

    assert cli(work, "hold", "release", "churn-model@1.10") == 0
    work.git.push("-q", "origin", "main")
    assert holds(work, capsys) == []
    assert promote(*args) == 0
    assert len(github_env.pulls) == 2


def test_force_promotes_a_held_version_and_says_so(
    promote: Promote, work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    promote("churn-model", "--to", "prod")
    landed = merge(work, BRANCH)
    work.git.revert("--no-edit", "-m", "1", landed)
    capsys.readouterr()

    assert promote("churn-model", "--to", "prod", "--force") == 0
    assert "--force given" in capsys.readouterr().out


def test_history_lists_promotions_rollbacks_and_holds(
    promote: Promote, work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    promote("churn-model", "--to", "prod")
    landed = merge(work, BRANCH)
    work.git.revert("--no-edit", "-m", "1", landed)
    capsys.readouterr()

    assert cli(work, "history", "--env", "prod", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    kinds = [(c["kind"], c["before"], c["after"]) for c in report["changes"]]
    assert kinds == [
        ("added", None, "1.9"),
        ("promotion", "1.9", "1.10"),
        ("rollback", "1.10", "1.9"),
    ]
    assert report["holds"][0]["version"] == "1.10"


def test_a_release_trailer_in_a_commit_that_changes_files_releases_nothing(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    work.git.revert("--no-edit", "HEAD")  # staging 1.10 -> 1.9: 1.10 is held
    readme = f"{work.working_dir}/NOTES.md"
    with open(readme, "w") as notes:
        notes.write("a typo fixed\n")
    work.git.add("NOTES.md")
    work.git.commit(
        "-m", "Fix a typo\n\nGitops-Ml-Release: churn-model@1.10"
    )  # e.g. pasted into a pull request's description, then squash-merged

    assert ("staging", "churn-model@1.10") in holds(work, capsys)


def test_hold_release_lifts_the_hold(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    work.git.revert("--no-edit", "HEAD")
    assert cli(work, "hold", "release", "churn-model@1.10") == 0
    assert holds(work, capsys) == []
