"""validate checks azureml environments with the project's own schema, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gitops_ml.cli import main
from tests.conftest import GitRepo

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "azureml"
ENDPOINT_FILE = FIXTURES / "azureml-examples__sample__endpoint.yml"
MODEL = """apiVersion: gitops-ml/v1
kind: Model
metadata:
  name: my-model
spec:
  versions:
    - version: "2"
      created: 2026-01-05T10:00:00Z
      artifacts:
        azureml: {model: "azureml:my-model:2", environment: "azureml:my-env:1"}
"""


def _validate(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    main(["validate", "--format", "json", "--repo", str(repo.path)])
    result = json.loads(capsys.readouterr().out)
    return [f["message"] for f in result["findings"]]


def _imported(repo: GitRepo, *names: str) -> None:
    output = repo.path / "environments" / "imported.yaml"
    paths = [str(FIXTURES / n) for n in names]
    main(["import", "azureml", *paths, "--env", "imported", "--output", str(output)])
    repo.write("models/my-model.yaml", MODEL)
    repo.commit("Import Azure ML files")


def test_imported_identity_placeholder_is_flagged(
    example_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _imported(
        example_repo, "azureml-examples__managed-identities__1-uai-create-endpoint.yml"
    )

    messages = _validate(example_repo, capsys)

    assert any("user_identity_ARM_id_place_holder" in m for m in messages), messages


def test_imported_code_folder_must_exist_in_the_repo(
    example_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _imported(
        example_repo,
        "azureml-examples__sample__endpoint.yml",
        "azureml-examples__sample__green-deployment-with-registered-assets.yml",
    )

    messages = _validate(example_repo, capsys)

    assert messages == [
        "code folder '../../model-2/onlinescoring/' leaves the repository"
    ]


def test_unknown_deployment_setting_gets_did_you_mean(
    example_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    example_repo.replace(
        "environments/prod.yaml", "instance_count: 2", "instance_cont: 2"
    )
    example_repo.commit("typo")

    messages = _validate(example_repo, capsys)

    assert "unknown field 'instance_cont'; did you mean 'instance_count'?" in messages


def test_validate_and_import_never_load_the_azure_sdk(example_repo: GitRepo) -> None:
    script = (
        "import sys\n"
        "from gitops_ml.cli import main\n"
        f"main(['validate', '--repo', {str(example_repo.path)!r}])\n"
        f"main(['import', 'azureml', {str(ENDPOINT_FILE)!r}])\n"
        "assert not [m for m in sys.modules if m.startswith('azure')], 'azure loaded'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("azureml:churn-model:8", "azureml:churn-model:latest"),
        ("azureml:sklearn-serving:4", "azureml:sklearn-serving:latest"),
    ],
)
def test_literal_latest_version_is_refused_as_a_label(
    example_repo: GitRepo, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    example_repo.replace("models/churn-model.yaml", old, new)
    example_repo.commit("latest")

    messages = _validate(example_repo, capsys)

    assert any(
        f"'{new}' uses 'latest', which is a label that moves, not a version" in m
        for m in messages
    ), messages
