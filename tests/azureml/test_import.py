"""gitops-ml import azureml: every public sample file gets the verdict users expect."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gitops_ml.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "azureml"


def _expected() -> dict[str, str]:
    """File name -> imported or rejected, read from the table in EXPECTED.md."""
    verdicts = {}
    for line in (FIXTURES / "EXPECTED.md").read_text().splitlines():
        match = re.match(r"^\| (\S+\.(?:yml|yaml|YAML)) \| (\w+)", line)
        if match:
            verdicts[match[1]] = "imported" if match[2] == "imports" else "rejected"
    return verdicts


EXPECTED = _expected()


def _import(capsys: pytest.CaptureFixture[str], *names: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    paths = [str(FIXTURES / n) for n in names]
    code = main(["import", "azureml", *paths, "--format", "json", "--env", "prod"])
    return code, json.loads(capsys.readouterr().out)


def test_expected_table_covers_every_sample_file() -> None:
    samples = {
        p.name for p in FIXTURES.iterdir() if p.suffix.lower() in (".yml", ".yaml")
    }
    assert set(EXPECTED) == samples


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_file_gets_the_expected_verdict_with_a_reason(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = _import(capsys, name)

    (item,) = result["files"]
    assert item["verdict"] == EXPECTED[name], item["reasons"]
    assert code == (1 if EXPECTED[name] == "rejected" else 0)
    if item["verdict"] == "rejected":
        assert item["reasons"] and all(name in r for r in item["reasons"])


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("azureml-examples__kubernetes__kubernetes-endpoint.yml", "Kubernetes"),
        ("azureml-examples__sample__blue-deployment.yml", "register it"),
        ("azureml-examples__managed-identities__2-uai-deployment.yml", "endpoint_name"),
        ("azureml-examples__managed-identities__2-uai-deployment.yml", "placeholder"),
        (
            "azureml-examples__data-collector__workspace-blob-storage-payload1.YAML",
            "@latest",
        ),
        (
            "azureml-examples__data-collector__workspace-blob-storage-payload1.YAML",
            "my_endpoint",
        ),
        ("mlops-project-template__online-deployment.yml", "not a pinned version"),
        ("azureml-examples__custom-container__triton-cc-deployment.yml", "{{"),
        (
            "azureml-examples__legacy-2021__canary-declarative-flow__4-flight-green.yml",
            "2021",
        ),
        ("mlops-templates__gha__allocate-traffic.yml", "GitHub Actions workflow"),
    ],
)
def test_rejection_names_the_reason(
    name: str, phrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, result = _import(capsys, name)

    assert phrase in " ".join(result["files"][0]["reasons"])


def test_endpoint_and_deployment_files_become_one_environment_with_pinned_model(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, result = _import(
        capsys,
        "azureml-examples__sample__endpoint.yml",
        "azureml-examples__sample__green-deployment-with-registered-assets.yml",
    )

    assert code == 0
    (endpoint,) = result["document"]["spec"]["endpoints"]
    assert endpoint["name"] == "my-endpoint"
    assert endpoint["settings"] == {"auth_mode": "key"}
    assert endpoint["deployments"] == [
        {
            "name": "green",
            "model": "my-model",
            "version": "2",
            "traffic": 100,
            "settings": {
                "code_configuration": {
                    "code": "../../model-2/onlinescoring/",
                    "scoring_script": "score.py",
                },
                "environment": "azureml:my-env:1",
                "instance_type": "Standard_DS3_v2",
                "instance_count": 1,
            },
        }
    ]
    assert result["models"] == [
        {
            "model": "my-model",
            "version": "2",
            "asset": "azureml:my-model:2",
            "environment": "azureml:my-env:1",
        }
    ]


def test_same_deployment_given_twice_is_skipped_the_second_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = "azureml-examples__sample__green-deployment-with-registered-assets.yml"

    code, result = _import(capsys, name, name)

    assert code == 0
    assert [f["verdict"] for f in result["files"]] == ["imported", "skipped"]
    assert "already imported" in result["files"][1]["reasons"][0]
