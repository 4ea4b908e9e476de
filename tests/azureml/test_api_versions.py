"""The wire api-versions the SDK uses: an SDK upgrade that moves them fails here."""

from __future__ import annotations

import pytest

from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import deploy_initial
from tests.conftest import GitRepo

EXPECTED = {
    ("GET", "workspace"): "2024-10-01-preview",
    ("GET", "onlineEndpoints"): "2022-02-01-preview",
    ("PUT", "onlineEndpoints/churn-prod"): "2022-02-01-preview",
    ("GET", "onlineEndpoints/churn-prod/deployments"): "2023-04-01-preview",
    ("PUT", "onlineEndpoints/churn-prod/deployments/churn-model-v1-10"): (
        "2023-04-01-preview"
    ),
    ("DELETE", "onlineEndpoints/churn-prod/deployments/churn-model-v1-9"): (
        "2023-04-01-preview"
    ),
    ("GET", "models/churn-model/versions/10"): "2023-08-01-preview",
}


def test_version_change_uses_the_recorded_api_versions(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")

    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0
    seen: dict[tuple[str, str], str] = {}
    for c in fake.calls:
        seen.setdefault((c.method, c.path), c.api_version)
    assert {key: seen.get(key) for key in EXPECTED} == EXPECTED
