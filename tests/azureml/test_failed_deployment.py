"""A deployment that fails to provision leaves traffic where it was."""

from __future__ import annotations

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
