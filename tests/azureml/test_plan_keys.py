"""One rule for (site, name) in plan, status and drift: the key of the object changed.

A deployment is (endpoint, deployment); an endpoint, with its settings and its traffic
map, is ("", endpoint).  So a traffic shift names the endpoint object, like the
endpoint's create and update, and every key lines up across the commands.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import deploy_initial
from tests.conftest import GitRepo


def _keys(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(i["site"], i["name"]) for i in items}


def test_every_plan_action_names_an_object_status_reports(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")
    _, status = run_json(example_repo, capsys, "status", "--env", "prod")

    planned = plan["plans"][0]["actions"]
    assert {(a["op"], a["site"]) for a in planned if a["op"] == "shift"} == {
        ("shift", "")
    }
    assert _keys(planned) <= _keys(status["environments"][0]["objects"])


def _scale(body: dict[str, Any]) -> None:
    body["sku"]["capacity"] = 7


def test_drift_and_its_repair_use_the_same_key(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    fake.edit_deployment("churn-prod", "churn-model-v1-9", _scale)

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")
    _, status = run_json(example_repo, capsys, "status", "--env", "prod")

    (repair,) = plan["plans"][0]["actions"]
    drifted = [
        o for o in status["environments"][0]["objects"] if o["state"] != "in sync"
    ]
    assert _keys([repair]) == _keys(drifted) == {("churn-prod", "churn-model-v1-9")}
