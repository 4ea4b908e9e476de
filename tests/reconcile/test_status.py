"""status: per environment the applied revision (short, as git log --oneline prints
it), the versions, and in sync / behind / drifted / failed."""

from __future__ import annotations

import json

import jsonschema

from gitops_ml.spec.schema import load_schema
from tests.conftest import Cli, GitRepo


def status(cli: Cli, repo: GitRepo) -> dict[str, object]:
    outcome = cli(
        "status", "--env", "local", "--format", "json", "--repo", str(repo.path)
    )
    assert outcome.code == 0, outcome.err
    payload = json.loads(outcome.out)
    jsonschema.validate(payload, load_schema("status"))
    env: dict[str, object] = payload["environments"][0]
    return env


def test_status_moves_from_behind_to_in_sync_to_drifted(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert status(cli, example_repo)["state"] == "behind"
    assert cli("apply", *args).code == 0
    assert status(cli, example_repo)["state"] == "in sync"
    (example_repo.served / "churn-model/10/model.json").write_text("{}")
    assert status(cli, example_repo)["state"] == "drifted"
    assert cli("drift", "--repair", *args).code == 0
    example_repo.pin_local("1.9")
    example_repo.commit("local: 1.9")
    env = status(cli, example_repo)
    assert env["state"] == "behind"
    assert env["objects"] == [  # type: ignore[comparison-overlap]
        {
            "site": "",
            "name": "churn-model",
            "model": "churn-model",
            "desiredVersion": "1.9",
            "observedVersion": "1.10",
            "revision": example_repo.git("rev-parse", "HEAD~1"),
            "state": "behind",
            "reason": "Git has a newer desired state",
        }
    ]


def test_text_status_names_the_applied_revision_as_git_log_oneline_does(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    example_repo.git("commit", "-q", "--allow-empty", "-m", "unrelated")
    oneline = example_repo.git("log", "--oneline", "-1", "HEAD~1").split()[0]
    head = example_repo.git("log", "--oneline", "-1").split()[0]
    out = cli("status", *args).out
    assert f"local: in sync  applied {oneline}, Git at {head}" in out
    assert f"churn-model: 1.10 at {oneline}  in sync" in out
