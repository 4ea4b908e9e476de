"""A read right after a traffic update may still show the old map: no second write."""

from __future__ import annotations

import pytest

from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import actions, deploy_initial, endpoint_puts
from tests.conftest import GitRepo


def test_stale_read_after_traffic_update_causes_no_second_write(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    fake.stale_reads = 2

    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0
    assert len(endpoint_puts(fake)) == 3  # one per traffic step, none repeated
    fake.calls.clear()
    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")
    assert actions(plan) == []
    assert fake.writes == []
