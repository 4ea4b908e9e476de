"""A canary rollout interrupted between steps continues where it stopped."""

from __future__ import annotations

import json

import pytest

from gitops_ml.cli import main
from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.clock import FakeClock
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import deploy_initial, endpoint_puts
from tests.conftest import GitRepo


def test_interrupted_rollout_resumes_at_the_next_step_without_repeating_one(
    example_repo: GitRepo,
    fake: FakeAzureML,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    clock.interrupt_after = 1  # the job is cancelled during the first pause

    code = main(["apply", "--env", "prod", "--repo", str(example_repo.path)])

    assert code == 130
    assert fake.traffic("churn-prod") == {
        "churn-model-v1-9": 90,
        "churn-model-v1-10": 10,
    }
    tags = fake.endpoints["churn-prod"]["tags"]
    assert json.loads(tags["gitops.rollout"])["target"] == "churn-model-v1-10"

    clock.interrupt_after = None
    fake.calls.clear()
    code, result = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0, result
    assert endpoint_puts(fake) == [
        {"churn-model-v1-9": 50, "churn-model-v1-10": 50},
        {"churn-model-v1-10": 100},
    ]
    assert not any("deployments/churn-model-v1-10" in w for w in fake.writes)
    assert fake.deployment_names("churn-prod") == ["churn-model-v1-10"]
    assert "gitops.rollout" not in fake.endpoints["churn-prod"]["tags"]
