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


def test_unreadable_files_are_rejected_in_the_json_result(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing, folder = tmp_path / "missing.yml", tmp_path / "folder.yml"
    folder.mkdir()
    good = FIXTURES / "azureml-examples__sample__endpoint.yml"
    capsys.readouterr()

    code = main(
        ["import", "azureml", str(missing), str(folder), str(good), "--format", "json"]
    )

    result = json.loads(capsys.readouterr().out)
    assert code == 1
    assert result["ok"] is False
    verdicts = {f["path"]: (f["verdict"], f["reasons"]) for f in result["files"]}
    assert verdicts[str(missing)] == (
        "rejected",
        [f"{missing}: cannot read it (No such file or directory; check the file name)"],
    )
    assert verdicts[str(folder)][0] == "rejected"
    assert "Is a directory" in verdicts[str(folder)][1][0]
    assert verdicts[str(good)][0] == "imported"


NOT_CLI = "not an Azure ML CLI v2 endpoint or deployment file"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("README.md", "# Deploying\n\nRun {{ make deploy }} first:\n- step one\n"),
        ("notes.md", "Some prose about endpoints.\n"),
        ("list.yml", "- name: blue\n- name: green\n"),
    ],
)
def test_file_that_is_not_a_cli_v2_mapping_is_rejected_in_cli_v2_terms(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    capsys.readouterr()

    code = main(["import", "azureml", str(path), "--format", "json"])

    (item,) = json.loads(capsys.readouterr().out)["files"]
    assert code == 1
    assert item["verdict"] == "rejected"
    (reason,) = item["reasons"]
    assert NOT_CLI in reason and "$schema" in reason
    assert "template placeholder" not in reason
    assert "apiVersion" not in reason


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--workspace", "ws"), ("--workspace", "ws with space"), ("--env", "Prod_1")],
)
def test_import_arguments_that_validate_would_refuse_are_refused_up_front(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flag: str, value: str
) -> None:
    output = tmp_path / "prod.yaml"
    flags = {
        "--subscription": "sub",
        "--resource-group": "rg",
        "--workspace": "mlw",
        "--env": "prod",
    }
    flags[flag] = value
    capsys.readouterr()

    code = main(
        [
            "import",
            "azureml",
            str(FIXTURES / "azureml-examples__sample__endpoint.yml"),
            *[part for item in flags.items() for part in item],
            "--output",
            str(output),
            "--format",
            "json",
        ]
    )

    captured = capsys.readouterr()
    assert code == 1
    assert not output.exists()
    error = json.loads(captured.out)["error"]
    assert error["message"].startswith(f"{flag} '{value}' is not ")
