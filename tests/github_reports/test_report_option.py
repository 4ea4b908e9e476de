"""``validate --report check-run`` publishes the findings on the checked-out commit."""

from __future__ import annotations

import shutil
from pathlib import Path

import git
import pytest

from gitops_ml.cli import main
from tests.github_fake import FakeGitHub

EXAMPLE = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("models", "environments", "artifacts"):
        shutil.copytree(EXAMPLE / folder, root / folder)
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    repo.git.commit(
        "-qm",
        "example",
        "--no-gpg-sign",
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )
    return root


def github_env(monkeypatch: pytest.MonkeyPatch, fake: FakeGitHub) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", fake.token)
    monkeypatch.setenv("GITHUB_API_URL", fake.api_url)
    monkeypatch.setenv("GITHUB_REPOSITORY", fake.full_name)
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def test_validate_publishes_a_failing_check_run_with_line_annotations(
    fake: FakeGitHub,
    checkout: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    github_env(monkeypatch, fake)
    prod = checkout / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("traffic: 100", "traffic: 90"))

    code = main(["validate", "--repo", str(checkout), "--report", "check-run"])

    assert code == 1
    (run_id,) = fake.check_runs
    run = fake.check_runs[run_id]
    head = git.Repo(checkout).head.commit.hexsha
    assert (run["name"], run["head_sha"], run["conclusion"]) == (
        "gitops-ml/validate",
        head,
        "failure",
    )
    assert any(a["path"] == "environments/prod.yaml" for a in fake.annotations[run_id])
    assert fake.token not in capsys.readouterr().err


def test_a_fork_token_leaves_the_findings_as_workflow_annotations(
    fake: FakeGitHub,
    checkout: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    github_env(monkeypatch, fake)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    fake.token_kind = "fork"
    prod = checkout / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("traffic: 100", "traffic: 90"))

    code = main(["validate", "--repo", str(checkout), "--report", "check-run"])

    out = capsys.readouterr()
    assert code == 1
    assert "read-only" in out.err
    assert "::error file=environments/prod.yaml" in out.out
    assert "gitops-ml validate" in summary.read_text()


def test_plan_publishes_a_check_run_named_for_the_plan(
    fake: FakeGitHub, checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    github_env(monkeypatch, fake)

    code = main(
        ["plan", "--repo", str(checkout), "--env", "local", "--report", "check-run"]
    )

    assert code == 0
    (run,) = fake.check_runs.values()
    assert (run["name"], run["conclusion"]) == ("gitops-ml/plan", "success")
    assert run["output"]["title"] == "changes in 1 of 1 environments: local"
