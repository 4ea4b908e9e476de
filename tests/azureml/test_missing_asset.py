"""Plan checks the target workspace for each model and environment before writing."""

from __future__ import annotations

import pytest

from gitops_ml.cli import main
from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import deploy_initial
from tests.conftest import GitRepo


def test_model_missing_in_workspace_is_reported_by_plan_and_blocks_apply(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    fake.models.discard(("churn-model", "10"))
    promote(example_repo, "1.9", "1.10")

    _, plan = run_json(example_repo, capsys, "plan", "--env", "prod")
    code = main(["apply", "--env", "prod", "--repo", str(example_repo.path)])

    notes = plan["plans"][0]["notes"]
    assert "missing in the workspace: model azureml:churn-model:10" in notes
    assert code == 1
    assert "azureml:churn-model:10" in capsys.readouterr().err
    assert fake.writes == []
