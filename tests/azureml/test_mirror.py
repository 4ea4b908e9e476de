"""Mirror traffic goes to the deployment Git names, in the same complete map."""

from __future__ import annotations

import pytest

from tests.azureml.conftest import run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import actions, deploy_initial
from tests.conftest import GitRepo

SHADOW = """        - model: churn-model
          version: "1.10"
          traffic: 0
          mirror: 10
          settings:
            instance_type: Standard_DS3_v2
            instance_count: 1
"""


def test_shadow_deployment_gets_mirror_traffic_and_live_traffic_stays(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    text = (example_repo.path / "environments/prod.yaml").read_text()
    example_repo.write("environments/prod.yaml", text + SHADOW)
    example_repo.commit("Shadow 1.10 in prod")
    example_repo.git("push", "-q", "origin", "main")

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")
    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert actions(plan) == [
        ("create", "churn-prod", "churn-model-v1-10"),
        ("shift", "", "churn-prod"),
    ]
    assert code == 0
    endpoint = fake.endpoints["churn-prod"]["properties"]
    assert endpoint["traffic"] == {"churn-model-v1-9": 100}
    assert endpoint["mirrorTraffic"] == {"churn-model-v1-10": 10}
    _, after = run_json(example_repo, capsys, "plan", "--env", "prod")
    assert actions(after) == []
