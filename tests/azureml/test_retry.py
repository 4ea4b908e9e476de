"""429 and 5xx answers are retried with back-off; persistent ones end in one line."""

from __future__ import annotations

import pytest

from gitops_ml.cli import main
from tests.azureml.conftest import run_json
from tests.azureml.fake.clock import FakeClock
from tests.azureml.fake.service import FakeAzureML
from tests.conftest import GitRepo


def test_throttled_read_is_retried_after_retry_after(
    example_repo: GitRepo,
    fake: FakeAzureML,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.fault("GET", r"/onlineEndpoints$", 429, times=2, retry_after="7")

    code, plan = run_json(example_repo, capsys, "plan", "--env", "prod")

    assert code == 0
    statuses = [c.status for c in fake.calls if c.path == "onlineEndpoints"]
    assert statuses == [429, 429, 200]
    assert plan["plans"][0]["actions"][0]["op"] == "create"


def test_server_error_on_a_write_is_retried_and_the_apply_completes(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fault("PUT", r"/deployments/churn-model-v1-9$", 503, times=1)

    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0
    puts = [
        c.status for c in fake.calls if c.method == "PUT" and "deployments" in c.path
    ]
    assert puts == [503, 201]
    assert fake.traffic("churn-prod") == {"churn-model-v1-9": 100}


def test_persistent_server_errors_end_in_one_line_after_bounded_attempts(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fault("GET", r"/onlineEndpoints$", 500, times=100)

    code = main(["plan", "--env", "prod", "--repo", str(example_repo.path)])

    err = capsys.readouterr().err
    assert code == 1
    assert "Azure ML kept failing (500" in err
    assert len(fake.calls) == 5
