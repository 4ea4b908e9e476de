"""promote --open-pr: one branch, one pull request, one check run, however often run."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from tests.github_fake import FakeGitHub
from tests.github_fake.factories import HTML
from tests.promotion.promotion_repo import (
    BRANCH,
    Promote,
    add_version,
    commit_all,
    prod_pin,
    set_pin,
    step_outputs,
)

ARGS = ("churn-model", "--from", "staging", "--to", "prod", "--open-pr")


def test_first_promotion_pushes_the_branch_and_opens_one_pr_with_one_check_run(
    github_env: FakeGitHub, promote: Promote, origin: Path
) -> None:
    assert promote(*ARGS) == 0

    sha = github_env.branch_sha(BRANCH)
    assert sha is not None
    (pull,) = github_env.pulls.values()
    assert (pull["head"], pull["base"], pull["draft"]) == (BRANCH, "main", False)
    assert "Gitops-Ml-Version: 1.10" in pull["body"]
    (run,) = github_env.check_runs.values()
    assert (run["head_sha"], run["conclusion"]) == (sha, "success")


def test_the_pr_diff_is_only_the_changed_line_of_the_prod_file(
    github_env: FakeGitHub, promote: Promote, origin: Path
) -> None:
    promote(*ARGS)

    bare = git.Repo(origin)
    assert bare.git.diff("--name-only", "main", BRANCH) == "environments/prod.yaml"
    changed = [
        line
        for line in bare.git.diff("--unified=0", "main", BRANCH).splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ['-          version: "1.9"', '+          version: "1.10"']


def test_the_commit_names_model_version_from_and_to_in_trailers(
    github_env: FakeGitHub, promote: Promote, origin: Path
) -> None:
    promote(*ARGS)

    message = git.Repo(origin).commit(BRANCH).message
    for trailer in (
        "Gitops-Ml-Model: churn-model",
        "Gitops-Ml-Version: 1.10",
        "Gitops-Ml-From: staging",
        "Gitops-Ml-To: prod",
        "Gitops-Ml-Previous: 1.9",
    ):
        assert trailer in message


def test_a_rerun_updates_nothing_twice_and_opens_no_second_pr(
    github_env: FakeGitHub, promote: Promote
) -> None:
    promote(*ARGS)
    first_sha = github_env.branch_sha(BRANCH)
    github_env.calls.clear()

    assert promote(*ARGS) == 0

    assert len(github_env.pulls) == 1
    assert len(github_env.check_runs) == 1
    assert github_env.branch_sha(BRANCH) == first_sha
    assert not github_env.requests_for("pulls/create")


def test_a_newer_version_while_the_pr_is_open_updates_the_same_pr(
    github_env: FakeGitHub, promote: Promote, work: git.Repo
) -> None:
    promote(*ARGS)
    root = Path(work.working_dir)
    add_version(root, "1.11", "2026-11-30T09:00:00Z")
    set_pin(root, "staging", "1.10", "1.11")
    commit_all(work, "Register 1.11 and run it in staging")
    work.git.push("-q", "origin", "main")

    assert promote(*ARGS) == 0

    (pull,) = github_env.pulls.values()
    assert pull["title"] == "Promote churn-model 1.11 to prod from staging"
    assert "Gitops-Ml-Version: 1.11" in pull["body"]
    head = work.commit(github_env.branch_sha(BRANCH))
    assert head.parents[0].hexsha == work.head.commit.hexsha  # rebuilt from the base
    assert prod_pin(work, head.hexsha) == "1.11"
    assert len(github_env.check_runs) == 2  # one per head commit


def test_every_request_is_in_the_contract_and_the_promotion_costs_few_requests(
    github_env: FakeGitHub, promote: Promote
) -> None:
    promote(*ARGS)

    assert github_env.violations == []
    assert len(github_env.calls) <= 10


def test_with_github_format_the_pr_url_becomes_a_step_output(
    github_env: FakeGitHub,
    promote: Promote,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))

    assert promote(*ARGS, "--format", "github") == 0

    assert step_outputs(output) == {"pull-request-url": f"{HTML}/acme/models/pull/1"}
