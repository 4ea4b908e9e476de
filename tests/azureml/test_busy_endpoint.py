"""An endpoint another client is updating is waited for, boundedly, before writing."""

from __future__ import annotations

import pytest

from gitops_ml.cli import main
from gitops_ml.targets.azureml import client
from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.clock import FakeClock
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import deploy_initial
from tests.conftest import GitRepo


def test_busy_endpoint_is_waited_for_and_no_write_meets_a_conflict(
    example_repo: GitRepo,
    fake: FakeAzureML,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    fake.busy_endpoint("churn-prod", reads=2)

    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0
    assert [c.status for c in fake.calls if c.write and c.status == 409] == []
    assert fake.traffic("churn-prod") == {"churn-model-v1-10": 100}


def test_endpoint_busy_past_the_deadline_exits_75_without_writing(
    example_repo: GitRepo,
    fake: FakeAzureML,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(client.RUNTIME, "endpoint_timeout", 60.0)
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    fake.busy_endpoint("churn-prod", reads=10_000)

    code = main(["apply", "--env", "prod", "--repo", str(example_repo.path)])

    assert code == 75
    assert "stays busy" in capsys.readouterr().err
    assert fake.writes == []
