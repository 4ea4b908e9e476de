"""A field changed outside gitops-ml is drift; fields another system owns are not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.azureml.conftest import run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import actions, deploy_initial
from tests.conftest import GitRepo

DEPLOYMENT = "churn-model-v1-9"


def _scale_to_five(body: dict[str, Any]) -> None:
    body["sku"]["capacity"] = 5


def test_portal_edit_of_instance_count_shows_as_drift_and_a_repair(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    fake.edit_deployment("churn-prod", DEPLOYMENT, _scale_to_five)

    _, drift = run_json(example_repo, capsys, "drift", "--env", "prod")
    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")

    assert DEPLOYMENT in str(drift)
    assert actions(plan) == [("repair", "churn-prod", DEPLOYMENT)]
    change = plan["plans"][0]["actions"][0]["changes"]
    assert {"field": "settings.instance_count", "before": 5, "after": 2} in change
    assert fake.writes == []


def test_portal_edit_of_traffic_shows_as_a_shift_back_to_git(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    fake.seed_deployment("churn-prod", "manual", "azureml:churn-model:8")
    fake.edit_endpoint(
        "churn-prod",
        lambda body: body["properties"].update(traffic={DEPLOYMENT: 80, "manual": 20}),
    )

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")

    assert actions(plan) == [("shift", "", "churn-prod")]
    assert any("not created by gitops-ml" in n for n in plan["plans"][0]["notes"])


def test_ignored_field_owned_by_autoscale_is_not_drift(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    example_repo.replace(
        "environments/prod.yaml",
        "    credential: workload-identity\n",
        "    credential: workload-identity\n    ignore:\n"
        "      - /endpoints/*/deployments/*/settings/instance_count\n",
    )
    example_repo.commit("Autoscale owns the instance count")
    example_repo.git("push", "-q", "origin", "main")
    deploy_initial(example_repo, fake, capsys)
    fake.edit_deployment("churn-prod", DEPLOYMENT, _scale_to_five)

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")

    assert actions(plan) == []


def test_user_assigned_identity_is_applied_and_then_in_sync(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    identity = (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-prod"
        "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/churn-id"
    )
    example_repo.replace(
        "environments/prod.yaml",
        "        auth_mode: key\n",
        "        auth_mode: key\n        identity:\n          type: user_assigned\n"
        f"          user_assigned_identities:\n            - resource_id: {identity}\n",
    )
    example_repo.commit("Endpoint identity")
    example_repo.git("push", "-q", "origin", "main")
    deploy_initial(example_repo, fake, capsys)

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")

    assert fake.endpoints["churn-prod"]["identity"]["type"].lower() == "userassigned"
    assert actions(plan) == []
