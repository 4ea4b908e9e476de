"""A deployment that fails to provision leaves traffic where it was."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_ml.cli import main
from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import actions, deploy_initial, endpoint_puts
from tests.conftest import GitRepo


def test_failed_deployment_keeps_traffic_and_reports_service_error_and_logs(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    fake.fail_deployment(
        "churn-model-v1-10",
        "ResourceNotReady",
        "User container has crashed or terminated",
        "loading model\nTraceback: score.py line 12\nValueError: bad pickle",
    )

    code = main(["apply", "--env", "prod", "--repo", str(example_repo.path)])

    out = capsys.readouterr().out
    assert code == 1
    assert "User container has crashed or terminated" in out
    assert "ValueError: bad pickle" in out
    assert endpoint_puts(fake) == []
    assert fake.traffic("churn-prod") == {"churn-model-v1-9": 100}
    assert "churn-model-v1-9" in fake.deployment_names("churn-prod")


def test_failed_version_is_not_retried_until_git_changes(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    fake.fail_deployment("churn-model-v1-10", "ImageBuildFailure", "image failed", "")
    main(["apply", "--env", "prod", "--repo", str(example_repo.path)])
    fake.calls.clear()

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")

    assert actions(plan) == []
    assert any("failed to provision" in n for n in plan["plans"][0]["notes"])


def test_status_reports_the_failed_version(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    fake.fail_deployment("churn-model-v1-10", "OutOfQuota", "not enough quota", "")
    main(["apply", "--env", "prod", "--repo", str(example_repo.path)])

    _, status = run_json(example_repo, capsys, "status", "--env", "prod")

    states = {o["name"]: o["state"] for o in status["environments"][0]["objects"]}
    assert states["churn-model-v1-10"] == "failed"


def _fail_provisioning(fake: FakeAzureML) -> None:
    fake.fail_deployment("churn-model-v1-10", "OutOfQuota", "not enough quota", "")


def _refuse_request(fake: FakeAzureML) -> None:
    fake.fault(
        "PUT",
        r"/deployments/churn-model-v1-10$",
        400,
        code="OutOfQuota",
        message="not enough quota",
    )


@pytest.mark.parametrize("failure", [_fail_provisioning, _refuse_request])
def test_refused_and_failed_deployments_are_reported_alike(
    example_repo: GitRepo,
    fake: FakeAzureML,
    capsys: pytest.CaptureFixture[str],
    failure: Any,
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    failure(fake)

    code = main(["apply", "--env", "prod", "--repo", str(example_repo.path)])

    out, err = capsys.readouterr()
    assert code == 1
    assert "FAILED create churn-prod/churn-model-v1-10" in out
    assert "not enough quota; traffic was not moved" in out
    assert "error:" not in err
    assert endpoint_puts(fake) == []
    assert fake.traffic("churn-prod") == {"churn-model-v1-9": 100}


def test_refused_deployment_leaves_traffic_and_reports_a_failed_step(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    _refuse_request(fake)

    code, result = run_json(example_repo, capsys, "apply", "--env", "prod")

    (apply,) = result["applies"]
    (step,) = apply["steps"]
    assert code == 1
    assert (step["op"], step["ok"]) == ("create", False)
    assert "(OutOfQuota) not enough quota; traffic was not moved" in step["message"]
    assert step["hint"]
    assert endpoint_puts(fake) == []
    assert fake.traffic("churn-prod") == {"churn-model-v1-9": 100}
