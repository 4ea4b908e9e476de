"""One apply per endpoint at a time: the lease is a tag on the endpoint itself."""

from __future__ import annotations

import json

import pytest

from tests.azureml.conftest import promote, run_json
from tests.azureml.fake.service import FakeAzureML
from tests.azureml.helpers import deploy_initial
from tests.conftest import GitRepo

LEASE = "gitops.lease"
OTHER = "runner@ci-7 pid 4242"


def _hold(fake: FakeAzureML, expires: str, revision: str = "") -> None:
    value = json.dumps({"holder": OTHER, "expires": expires, "revision": revision})
    fake.edit_endpoint("churn-prod", lambda body: body["tags"].update({LEASE: value}))


def test_apply_while_another_holds_the_lease_fails_naming_holder_and_expiry(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    _hold(fake, "2999-01-01T00:00:00+00:00")

    code, result = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 1
    message = json.dumps(result)
    assert f"another apply holds endpoint churn-prod: {OTHER}" in message
    assert "until 2999-01-01T00:00:00+00:00" in message
    assert fake.writes == []
    assert fake.traffic("churn-prod") == {"churn-model-v1-9": 100}


def test_a_lease_left_by_a_run_of_the_same_revision_is_resumed(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    _hold(fake, "2999-01-01T00:00:00+00:00", revision=example_repo.head)

    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0
    assert fake.traffic("churn-prod") == {"churn-model-v1-10": 100}
    assert LEASE not in fake.endpoints["churn-prod"]["tags"]


def test_expired_lease_is_taken_over_and_released_at_the_end(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    _hold(fake, "2001-01-01T00:00:00+00:00")

    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0
    assert fake.traffic("churn-prod") == {"churn-model-v1-10": 100}
    taken = [
        json.loads(c.body["tags"][LEASE])["holder"]
        for c in fake.calls
        if c.method == "PUT"
        and c.path == "onlineEndpoints/churn-prod"
        and LEASE in c.body["tags"]
    ]
    assert taken and OTHER not in taken
    assert LEASE not in fake.endpoints["churn-prod"]["tags"]


def test_lease_updates_keep_the_full_traffic_map(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")

    run_json(example_repo, capsys, "apply", "--env", "prod")

    puts = [
        c.body["properties"]["traffic"]
        for c in fake.calls
        if c.method == "PUT" and c.path == "onlineEndpoints/churn-prod"
    ]
    assert puts[0] == {"churn-model-v1-9": 100}  # taking the lease moves nothing
    assert puts[-1] == {"churn-model-v1-10": 100}  # nor does releasing it


def test_in_sync_apply_takes_no_lease_two_reads_no_write(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)

    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod")

    assert code == 0
    assert fake.writes == []
    assert [str(c) for c in fake.calls] == [
        "GET onlineEndpoints",
        "GET onlineEndpoints/churn-prod/deployments",
    ]


def test_force_takes_over_an_unexpired_lease(
    example_repo: GitRepo, fake: FakeAzureML, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_initial(example_repo, fake, capsys)
    promote(example_repo, "1.9", "1.10")
    _hold(fake, "2999-01-01T00:00:00+00:00")

    code, _ = run_json(example_repo, capsys, "apply", "--env", "prod", "--force")

    assert code == 0
    assert fake.traffic("churn-prod") == {"churn-model-v1-10": 100}
    assert LEASE not in fake.endpoints["churn-prod"]["tags"]
