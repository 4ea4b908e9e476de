"""Shared steps of the Azure ML tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.azureml.conftest import run_json
from tests.azureml.fake.service import FakeAzureML
from tests.conftest import GitRepo


def deploy_initial(
    repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run_json(repo, capsys, "apply", "--env", "prod")
    assert code == 0
    fake.calls.clear()


def actions(plan: Any) -> list[tuple[str, str, str]]:
    return [(a["op"], a["site"], a["name"]) for a in plan["plans"][0]["actions"]]


def endpoint_puts(fake: FakeAzureML) -> list[dict[str, int]]:
    """The traffic maps of the endpoint updates that moved traffic (not the ones
    that only take or release the lease)."""
    return [
        c.body["properties"]["traffic"]
        for c in fake.calls
        if c.method == "PUT" and c.path == "onlineEndpoints/churn-prod" and c.moved
    ]
