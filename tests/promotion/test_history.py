"""History reads versions in model order: "1.10" is newer than "1.9"."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from tests.promotion.promotion_repo import cli, commit_all


def test_a_second_pin_of_a_newer_version_is_a_promotion_and_dropping_it_a_rollback(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    local = Path(work.working_dir) / "environments" / "local.yaml"
    single = local.read_text()
    local.write_text(single.replace('version: "1.10"', 'version: "1.9"'))
    commit_all(work, "local runs 1.9")
    local.write_text(
        local.read_text() + '    - model: churn-model\n      version: "1.10"\n'
    )
    commit_all(work, "local runs 1.9 and 1.10")
    local.write_text(single.replace('version: "1.10"', 'version: "1.9"'))
    commit_all(work, "drop 1.10 from local")
    capsys.readouterr()

    assert cli(work, "history", "--env", "local", "--format", "json") == 0

    report = json.loads(capsys.readouterr().out)
    kinds = [(c["kind"], c["before"], c["after"]) for c in report["changes"]]
    assert kinds[-2:] == [("promotion", "1.9", "1.10"), ("rollback", "1.10", "1.9")]
    assert [(h["environment"], h["version"]) for h in report["holds"]] == [
        ("local", "1.10")
    ]


@pytest.mark.parametrize(
    ("flag", "name", "expected"),
    [
        ("--env", "nowhere", "environment 'nowhere' does not exist"),
        ("--model", "nomodel", "model 'nomodel' does not exist"),
    ],
)
def test_history_of_an_unknown_name_fails_like_promote(
    work: git.Repo,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    name: str,
    expected: str,
) -> None:
    assert cli(work, "history", flag, name) == 1
    assert expected in capsys.readouterr().err


def test_history_of_a_removed_environment_is_still_shown(
    work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    (Path(work.working_dir) / "environments" / "edge.yaml").unlink()
    commit_all(work, "Retire edge")
    capsys.readouterr()

    assert cli(work, "history", "--env", "edge", "--format", "json") == 0

    kinds = [c["kind"] for c in json.loads(capsys.readouterr().out)["changes"]]
    assert kinds == ["added", "removed"]
