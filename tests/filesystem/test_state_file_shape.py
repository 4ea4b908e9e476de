"""A state file gitops-ml did not write (wrong shape, missing fields) or one a newer
gitops-ml wrote is refused with one clear line and the next step, never a crash."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli, GitRepo

RECORD = {
    "model": "churn-model",
    "version": "1.10",
    "spec_hash": "0" * 64,
    "revision": "0" * 40,
    "applied_at": "2026-12-01T00:00:00+00:00",
    "spec": {"folders": {}},
}


@pytest.mark.parametrize(
    "content",
    [
        [],
        {"stateVersion": 1, "records": [], "failures": []},
        {"stateVersion": 1, "records": {"churn-model": {"model": "x"}}, "failures": []},
        {"stateVersion": 1, "records": {"churn-model": RECORD}, "failures": [{}]},
        {"records": {}, "failures": []},
        {"stateVersion": "1", "records": {}, "failures": []},
    ],
    ids=[
        "list",
        "records-list",
        "record-fields",
        "failure-fields",
        "no-version",
        "text",
    ],
)
@pytest.mark.parametrize("command", ["plan", "apply", "status", "drift"])
def test_a_state_file_of_the_wrong_shape_is_one_clear_error(
    example_repo: GitRepo, cli: Cli, command: str, content: object
) -> None:
    example_repo.state_file.parent.mkdir(parents=True)
    example_repo.state_file.write_text(json.dumps(content))
    outcome = cli(command, "--env", "local", "--repo", str(example_repo.path))
    assert outcome.code == 1
    assert "the state file is not one gitops-ml wrote" in outcome.err
    assert "next: restore it from a backup, or move it away" in outcome.err
    assert "Traceback" not in outcome.out + outcome.err
    assert not example_repo.served.exists()


def test_a_state_file_from_a_newer_gitops_ml_is_refused(
    example_repo: GitRepo, cli: Cli
) -> None:
    example_repo.state_file.parent.mkdir(parents=True)
    example_repo.state_file.write_text(
        json.dumps({"stateVersion": 2, "records": {}, "failures": [], "leases": {}})
    )
    outcome = cli("apply", "--env", "local", "--repo", str(example_repo.path))
    assert outcome.code == 1
    assert "written by a newer gitops-ml (stateVersion 2" in outcome.err
    assert "next: upgrade gitops-ml" in outcome.err
    assert not example_repo.served.exists()
