"""promote --open-pr when GitHub or the remote push back."""

from __future__ import annotations

import socket
from pathlib import Path

import git
import pytest

from gitops_ml.commands import promote as promote_command
from gitops_ml.errors import TargetError
from tests.github_fake import FakeGitHub
from tests.github_fake.fake import Fault
from tests.github_fake.fixtures import Sleeps
from tests.promotion.promotion_repo import BRANCH, Promote, cli, healthy_for

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


def _refused_url() -> str:
    """A loopback URL nothing listens on: the port of a socket just closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api"


def test_an_unreachable_github_is_a_plain_error_that_says_the_branch_was_pushed(
    work: git.Repo,
    origin: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = _refused_url()
    monkeypatch.setenv("GITHUB_API_URL", url)
    monkeypatch.setenv("GITHUB_TOKEN", "not-a-real-token")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/models")
    monkeypatch.setattr(promote_command, "_observer", lambda root: healthy_for(2))

    # --draft: the soak may fail against the real clock; the PR is wanted anyway
    assert cli(work, "promote", *ARGS, "--draft") == 1  # not 3, a crash

    err = capsys.readouterr().err
    assert f"cannot reach GitHub at {url}" in err
    assert f"the branch {BRANCH} was pushed on origin" in err
    assert "check GITHUB_API_URL" in err and "re-run" in err
    assert "not-a-real-token" not in err
    assert git.Repo(origin).commit(BRANCH).hexsha == work.commit(BRANCH).hexsha


def test_an_origin_that_is_not_on_github_asks_for_github_repository(
    github_env: FakeGitHub,
    work: git.Repo,
    origin: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY")
    monkeypatch.setattr(promote_command, "_observer", lambda root: healthy_for(2))

    assert cli(work, "promote", *ARGS, "--draft") == 1

    err = capsys.readouterr().err
    assert "is not a repository on github.com" in err
    assert "next: set GITHUB_REPOSITORY=owner/name" in err
    assert github_env.calls == []
    assert BRANCH not in [h.name for h in git.Repo(origin).heads]
