"""A version change is blue/green: new deployment at 0%, canary steps, old deleted."""

from __future__ import annotations

import pytest

from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import endpoint_puts
from tests.conftest import GitRepo


def test_first_apply_creates_endpoint_then_deployment_then_traffic(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0, result
    assert fake.writes == [
        "PUT onlineEndpoints/churn-prod",  # created with the lease in its tags
        "PUT onlineEndpoints/churn-prod/deployments/churn-model-v1-9",
        "PUT onlineEndpoints/churn-prod",
        "PUT onlineEndpoints/churn-prod",  # lease released
    ]
    assert fake.traffic("churn-prod") == {"churn-model-v1-9": 100}


@pytest.fixture
def deployed(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> GitRepo:
    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")
    assert code == 0
    fake.calls.clear()
    return example_repo


def test_plan_lists_ordered_actions_and_apply_performs_exactly_them(
    deployed: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    promote(deployed, "1.9", "1.10")

    _, planned = run_json(deployed, capsys, "plan", "--env", "prod")
    actions = planned["plans"][0]["actions"]
    assert [(a["op"], a["site"], a["name"]) for a in actions] == [
        ("create", "churn-prod", "churn-model-v1-10"),
        ("shift", "", "churn-prod"),
        ("shift", "", "churn-prod"),
        ("shift", "", "churn-prod"),
        ("delete", "churn-prod", "churn-model-v1-9"),
    ]
    assert fake.writes == []

    code, applied = run_json(deployed, capsys, "apply", "--env", "prod")

    assert code == 0, [
        (s["name"], s["message"]) for s in applied["applies"][0]["steps"]
    ]
    steps = applied["applies"][0]["steps"]
    assert [(s["op"], s["name"]) for s in steps] == [
        (a["op"], a["name"]) for a in actions
    ]
    assert fake.writes == [
        "PUT onlineEndpoints/churn-prod",  # lease taken
        "PUT onlineEndpoints/churn-prod/deployments/churn-model-v1-10",
        "PUT onlineEndpoints/churn-prod",
        "PUT onlineEndpoints/churn-prod",
        "PUT onlineEndpoints/churn-prod",
        "DELETE onlineEndpoints/churn-prod/deployments/churn-model-v1-9",
        "PUT onlineEndpoints/churn-prod",  # lease released
    ]
    assert endpoint_puts(fake) == [
        {"churn-model-v1-9": 90, "churn-model-v1-10": 10},
        {"churn-model-v1-9": 50, "churn-model-v1-10": 50},
        {"churn-model-v1-10": 100},
    ]
    assert fake.deployment_names("churn-prod") == ["churn-model-v1-10"]

    _, after = run_json(deployed, capsys, "plan", "--env", "prod")
    assert after["plans"][0]["actions"] == [], [
        (a["name"], a["changes"]) for a in after["plans"][0]["actions"]
    ]
