"""Bad input gives one clear error line, exit 1 and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli, GitRepo


@pytest.mark.parametrize("command", ["plan", "apply", "status", "drift"])
def test_a_revision_that_does_not_exist_is_one_clear_error(
    example_repo: GitRepo, cli: Cli, command: str
) -> None:
    outcome = cli(command, "--ref", "no-such-rev", "--repo", str(example_repo.path))
    assert outcome.code == 1
    assert outcome.err.splitlines()[0] == (
        "error: revision 'no-such-rev' does not exist in this repository"
    )
    assert "Traceback" not in outcome.err


def test_a_folder_that_is_not_a_git_repo_is_one_clear_error(
    tmp_path: Path, cli: Cli
) -> None:
    outcome = cli("apply", "--repo", str(tmp_path))
    assert outcome.code == 1
    assert "is not inside a git repository" in outcome.err.splitlines()[0]
    assert "Traceback" not in outcome.err


def test_an_unknown_environment_is_one_clear_error(
    example_repo: GitRepo, cli: Cli
) -> None:
    outcome = cli("apply", "--env", "nope", "--repo", str(example_repo.path))
    assert outcome.code == 1
    assert outcome.err.splitlines()[0].startswith(
        "error: environment 'nope' does not exist (known: dev, edge, local"
    )
    assert not example_repo.served.exists()


@pytest.mark.parametrize("wait", ["-1", "nan", "soon"])
def test_a_lease_wait_below_zero_or_not_a_number_is_a_usage_error(
    example_repo: GitRepo, cli: Cli, wait: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli("apply", "--lease-wait", wait, "--repo", str(example_repo.path))
    assert stopped.value.code == 1
    assert not example_repo.served.exists()
