"""A deployment still provisioning at the deadline: exit 75, and a re-run resumes."""

from __future__ import annotations

import threading

import pytest

from gitops_ml.cli import main
from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import actions, deploy_initial, endpoint_puts
from tests.conftest import GitRepo


def _finish_in_service(fake: FakeAzureML) -> None:
    fake.release()
    for thread in threading.enumerate():
        if thread.name.startswith("LROPoller"):
            thread.join(timeout=10)


def test_timeout_exits_75_and_rerun_resumes_without_recreating(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    fake.stall_deployment("churn-model-v1-10")

    code = main(["apply", "--env", "prod", "--repo", str(example_repo.path)])

    assert code == 75
    assert "re-run apply" in capsys.readouterr().err
    assert fake.state("churn-prod", "churn-model-v1-10") == "Creating"
    assert fake.traffic("churn-prod") == {"churn-model-v1-9": 100}

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")
    assert actions(plan)[0] == ("wait", "churn-prod", "churn-model-v1-10")
    assert main(["plan", "--env", "prod", "--repo", str(example_repo.path)]) == 0
    assert "wait churn-prod/churn-model-v1-10" in capsys.readouterr().out

    _finish_in_service(fake)
    fake.calls.clear()
    code, result = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0, result
    assert not any("deployments/churn-model-v1-10" in w for w in fake.writes)
    assert endpoint_puts(fake)[-1] == {"churn-model-v1-10": 100}
    assert fake.deployment_names("churn-prod") == ["churn-model-v1-10"]
