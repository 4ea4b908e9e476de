"""Each environment is handled on its own: one whose target cannot be reached is
reported (name, message, next step) in every output format, the others still run,
and the command exits 1 at the end (75 when only services still at work failed)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from gitops_ml.commands._common import exit_code
from gitops_ml.errors import InProgress, TargetError
from gitops_ml.reconcile.objects import EnvironmentFailure
from gitops_ml.spec.schema import load_schema
from gitops_ml.targets.azureml import client
from tests.conftest import Cli, GitRepo


def no_credential(name: str) -> object:
    from azure.core.exceptions import ClientAuthenticationError

    def make() -> object:
        raise ClientAuthenticationError("EnvironmentCredential: not configured")

    return client.check_credential(make, name)


@pytest.fixture
def two_envs(example_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """local (filesystem) and dev (azureml, no credential works)."""
    for name in ("edge", "prod", "staging"):
        (example_repo.path / "environments" / f"{name}.yaml").unlink()
    example_repo.commit("only dev and local")
    monkeypatch.setattr(client, "RUNTIME", client.Runtime(credential=no_credential))
    return example_repo


@pytest.mark.parametrize("command", ["plan", "apply", "drift", "status"])
def test_an_unreachable_environment_does_not_stop_the_others(
    two_envs: GitRepo, cli: Cli, command: str
) -> None:
    outcome = cli(command, "--repo", str(two_envs.path))
    assert outcome.code == 1
    assert "error: dev (azureml): no Azure credential worked" in outcome.err
    assert "next: set AZURE_CLIENT_ID" in outcome.err
    assert "local" in outcome.out
    assert "Traceback" not in outcome.err


@pytest.mark.parametrize(
    ("command", "key", "schema"),
    [
        ("plan", "plans", "plan"),
        ("apply", "applies", "apply"),
        ("drift", "drift", "drift"),
        ("status", "environments", "status"),
    ],
)
def test_json_output_has_an_error_per_environment_and_matches_its_schema(
    two_envs: GitRepo, cli: Cli, command: str, key: str, schema: str
) -> None:
    outcome = cli(command, "--format", "json", "--repo", str(two_envs.path))
    assert outcome.code == 1
    payload = json.loads(outcome.out)
    jsonschema.validate(payload, load_schema(schema))
    errors = {e["environment"]: e["error"] for e in payload[key]}
    assert errors["local"] is None
    assert errors["dev"]["message"].startswith("no Azure credential worked")
    assert errors["dev"]["hint"].startswith("set AZURE_CLIENT_ID")


def test_github_output_annotates_the_failed_environment(
    two_envs: GitRepo, cli: Cli
) -> None:
    outcome = cli("status", "--format", "github", "--repo", str(two_envs.path))
    assert outcome.code == 1
    annotations = [line for line in outcome.out.splitlines() if line.startswith("::")]
    assert any(
        line.startswith("::error title=gitops-ml%3A environment dev failed::dev: ")
        and "no Azure credential worked" in line
        for line in annotations
    )
    assert "local: behind" in outcome.out


def test_the_environments_that_could_run_still_changed(
    two_envs: GitRepo, cli: Cli
) -> None:
    assert cli("apply", "--repo", str(two_envs.path)).code == 1
    assert (two_envs.served / "churn-model/10/model.json").is_file()


def failure(code: int) -> EnvironmentFailure:
    return EnvironmentFailure("dev", "azureml", "0" * 40, "m", "h", code)


def test_exit_code_is_75_only_when_every_failure_is_still_in_progress() -> None:
    in_progress, failed = InProgress.exit_code, TargetError.exit_code
    assert exit_code(2, [failure(in_progress)]) == 75
    assert exit_code(0, [failure(in_progress), failure(failed)]) == 1
    assert exit_code(1, [failure(in_progress)]) == 1
    assert exit_code(2, []) == 2
