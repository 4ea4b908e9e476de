"""No credential, or one the service refuses: one line, exit 1, no hang."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import responses

from gitops_ml.cli import main
from gitops_ml.targets.azureml import client
from tests.azureml.fake.service import FakeAzureML
from tests.conftest import GitRepo

AZURE_VARIABLES = (
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_USERNAME",
)


@pytest.mark.parametrize("credential", ["environment", "workload-identity"])
def test_missing_credential_fails_fast_with_one_line_saying_how_to_provide_it(
    example_repo: GitRepo,
    fake: FakeAzureML,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    credential: str,
) -> None:
    for name in AZURE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(client.RUNTIME, "credential", None)
    if credential != "workload-identity":
        example_repo.replace(
            "environments/prod.yaml",
            "credential: workload-identity",
            f"credential: {credential}",
        )
        example_repo.commit("credential")

    code = main(["plan", "--env", "prod", "--repo", str(example_repo.path)])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: prod (azureml): no Azure credential worked")
    assert "AZURE_CLIENT_ID" in err
    assert "Traceback" not in err
    assert fake.calls == []


@pytest.mark.parametrize("status", [401, 403])
def test_service_refusing_the_identity_is_one_line_naming_the_fix(
    example_repo: GitRepo,
    fake: FakeAzureML,
    capsys: pytest.CaptureFixture[str],
    status: int,
) -> None:
    fake.auth_status = status

    code = main(["plan", "--env", "prod", "--repo", str(example_repo.path)])

    err = capsys.readouterr().err
    assert code == 1
    assert f"Azure denied access ({status}" in err
    assert "role on the workspace" in err


def test_default_credential_with_nothing_available_fails_fast_without_imds(
    example_repo: GitRepo,
    fake: FakeAzureML,
    network_guard: responses.RequestsMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    for name in AZURE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    only_git = tmp_path / "bin"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    monkeypatch.setenv("PATH", str(only_git))  # no az, azd or pwsh to ask
    monkeypatch.setattr(client.RUNTIME, "credential", None)
    imds = re.compile(r"http://169\.254\.169\.254/.*")
    network_guard.add(responses.GET, imds, body=ConnectionError("no metadata service"))
    example_repo.replace(
        "environments/prod.yaml", "credential: workload-identity", "credential: default"
    )
    example_repo.commit("default credential")

    code = main(["plan", "--env", "prod", "--repo", str(example_repo.path)])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(
        "error: prod (azureml): no Azure credential worked (credential: default"
    )
    assert fake.calls == []
