"""A version change is blue/green: new deployment at 0%, canary steps, old deleted."""

from __future__ import annotations

import pytest

from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.conftest import GitRepo


def test_first_apply_creates_endpoint_then_deployment_then_traffic(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0, result
    assert fake.writes == [
        "PUT onlineEndpoints/churn-prod",
        "PUT onlineEndpoints/churn-prod/deployments/churn-model-v1-9",
        "PUT onlineEndpoints/churn-prod",
    ]
    assert fake.traffic("churn-prod") == {"churn-model-v1-9": 100}
