"""How the service spells its answers is not drift; a change made in the portal is.

The fake answers every read the way the real service varies (``variations``, on for
every Azure ML test): lower-case ``resourcegroups`` in ARM ids, no ``maxQueueWait``,
extra null or empty fields, the long model reference, other casing of names and
instance types, a mirror share of 0.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.azureml.conftest import run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import actions, deploy_initial
from tests.conftest import GitRepo

DEPLOYMENT = "churn-model-v1-9"


def test_the_fake_answers_with_service_style_variations(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)

    endpoint = fake.answer("churn-prod")["properties"]
    deployment = fake.answer("churn-prod", DEPLOYMENT)
    props = deployment["properties"]

    assert endpoint["traffic"] == {"Churn-Model-V1-9": 100}
    assert endpoint["mirrorTraffic"] == {DEPLOYMENT: 0}
    assert endpoint["description"] is None
    assert deployment["name"] == "Churn-Model-V1-9"
    assert "/resourcegroups/" in props["model"]
    assert props["model"].endswith("/models/churn-model/versions/9")
    assert "maxQueueWait" not in props["requestSettings"]
    assert props["instanceType"] == "standard_ds3_v2"
    assert props["modelMountPath"] is None and props["dataCollector"] is None


def test_service_style_variations_are_not_drift(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    assert fake.variations
    deploy_initial(example_repo, fake, capsys)

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")
    _, drift = run_json(example_repo, capsys, "drift", "--env", "prod")
    _, status = run_json(example_repo, capsys, "status", "--env", "prod")

    assert actions(plan) == [], plan["plans"][0]["actions"]
    assert DEPLOYMENT not in str(drift) and "churn-prod" not in str(drift)
    states = {o["name"]: o["state"] for o in status["environments"][0]["objects"]}
    assert set(states.values()) == {"in sync"}, states
    assert fake.writes == []


def _portal_timeout(body: dict[str, Any]) -> None:
    body["properties"]["requestSettings"]["requestTimeout"] = "PT9S"


def test_a_field_changed_in_the_portal_is_drift_despite_the_variations(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    fake.edit_deployment("churn-prod", DEPLOYMENT, _portal_timeout)

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")
    _, drift = run_json(example_repo, capsys, "drift", "--env", "prod")

    assert actions(plan) == [("repair", "churn-prod", DEPLOYMENT)]
    (change,) = plan["plans"][0]["actions"][0]["changes"]
    assert change["field"] == "settings.request_settings.request_timeout_ms"
    assert (change["before"], change["after"]) == (9000, 3000)
    assert DEPLOYMENT in str(drift)
