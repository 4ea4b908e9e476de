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
        "error: prod (azureml): no Azure credential worked (credential: default; "
        "tried EnvironmentCredential, WorkloadIdentityCredential, "
        "ManagedIdentityCredential"
    )
    assert fake.calls == []


def _use_credential(repo: GitRepo, credential: str) -> None:
    repo.replace(
        "environments/prod.yaml",
        "credential: workload-identity",
        f"credential: {credential}",
    )
    repo.commit(f"credential {credential}")


def _plan_error(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["plan", "--env", "prod", "--repo", str(repo.path)])
    return code, capsys.readouterr().err


def test_missing_federated_token_file_is_one_line_naming_the_file(
    example_repo: GitRepo,
    fake: FakeAzureML,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no-such-token"
    monkeypatch.setenv("AZURE_TENANT_ID", "00000000-0000-0000-0000-00000000000a")
    monkeypatch.setenv("AZURE_CLIENT_ID", "00000000-0000-0000-0000-00000000000b")
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(missing))
    monkeypatch.setattr(client.RUNTIME, "credential", None)

    code, err = _plan_error(example_repo, capsys)

    assert code == 1, err
    lines = err.splitlines()
    assert lines[0] == (
        "error: prod (azureml): no Azure credential worked "
        f"(credential: workload-identity; token file {missing} not found)"
    )
    assert lines[1].startswith("  next: point AZURE_FEDERATED_TOKEN_FILE")
    assert "Traceback" not in err and "internal error" not in err
    assert fake.calls == []


LOGIN = re.compile(r"https://login\.microsoftonline\.com/.*")


def _client_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AZURE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AZURE_TENANT_ID", "00000000-0000-0000-0000-00000000000a")
    monkeypatch.setenv("AZURE_CLIENT_ID", "00000000-0000-0000-0000-00000000000b")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "not-a-real-secret")
    monkeypatch.setattr(client.RUNTIME, "credential", None)


def test_unreachable_login_endpoint_says_network_not_missing_variables(
    example_repo: GitRepo,
    fake: FakeAzureML,
    network_guard: responses.RequestsMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _client_secret(monkeypatch)
    failure = ConnectionError(
        "HTTPSConnection(host='login.microsoftonline.com', port=443): Failed to "
        "resolve 'login.microsoftonline.com' ([Errno -3] Temporary failure in name "
        "resolution)"
    )
    for method in ("GET", "POST"):
        network_guard.add(method, LOGIN, body=failure)
    _use_credential(example_repo, "environment")

    code, err = _plan_error(example_repo, capsys)

    assert code == 1, err
    assert "login.microsoftonline.com could not be reached" in err
    assert "next: check that this machine can reach" in err
    assert "set AZURE_TENANT_ID" not in err
    assert "not-a-real-secret" not in err


def test_rejected_secret_says_the_login_endpoint_refused_it(
    example_repo: GitRepo,
    fake: FakeAzureML,
    network_guard: responses.RequestsMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _client_secret(monkeypatch)
    tenant = "https://login.microsoftonline.com/00000000-0000-0000-0000-00000000000a"
    network_guard.add(
        responses.GET,
        re.compile(r".*/common/discovery/instance.*"),
        json={
            "tenant_discovery_endpoint": f"{tenant}/v2.0/.well-known/"
            "openid-configuration",
            "metadata": [
                {
                    "preferred_network": "login.microsoftonline.com",
                    "aliases": ["login.microsoftonline.com"],
                }
            ],
        },
    )
    network_guard.add(
        responses.GET,
        re.compile(r".*/v2\.0/\.well-known/openid-configuration.*"),
        json={
            "token_endpoint": f"{tenant}/oauth2/v2.0/token",
            "authorization_endpoint": f"{tenant}/oauth2/v2.0/authorize",
            "issuer": f"{tenant}/v2.0",
        },
    )
    network_guard.add(
        responses.POST,
        re.compile(r".*/oauth2/v2\.0/token"),
        status=401,
        json={
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided.",
        },
    )
    _use_credential(example_repo, "environment")

    code, err = _plan_error(example_repo, capsys)

    assert code == 1, err
    assert "the login endpoint refused the credential" in err
    assert "AADSTS7000215" in err
    assert "next: check AZURE_TENANT_ID, AZURE_CLIENT_ID and the secret" in err
    assert "not-a-real-secret" not in err
