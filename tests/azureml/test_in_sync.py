"""An environment that matches Git costs a few reads and no write."""

from __future__ import annotations

import pytest

from tests.azureml.conftest import run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import deploy_initial
from tests.conftest import GitRepo


def test_in_sync_apply_sends_no_write_and_reads_at_most_three_times(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)

    code, result = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0
    assert result["applies"][0]["actions"] == []
    assert fake.writes == []
    assert len(fake.calls) <= 3, [str(c) for c in fake.calls]


def test_status_reports_in_sync_after_apply(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)

    code, result = run_json(example_repo, capsys, "status", "--env", "prod")

    assert code == 0
    assert "in sync" in str(result)
    assert fake.writes == []
