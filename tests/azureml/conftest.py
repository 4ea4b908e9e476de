"""Azure ML tests: a fake service behind ``responses``; nothing leaves the process."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import responses

from gitops_ml.cli import main
from gitops_ml.targets.azureml import client
from tests.azureml.fake.clock import FakeClock
from tests.azureml.fake.service import FakeAzureML
from tests.conftest import GitRepo

IMDS = "169.254.169.254"


class FakeCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("fake-token", int(time.time()) + 3600)


@pytest.fixture(autouse=True)
def network_guard() -> Iterator[responses.RequestsMock]:
    """Every HTTP request is answered by a test double or fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
        strays = [
            c.request.url
            for c in mock.calls
            if "Connection refused by Responses" in str(c.response)
        ]
        assert not strays, f"requests outside the fake service: {strays}"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake_clock = FakeClock()
    monkeypatch.setattr(
        client,
        "RUNTIME",
        client.Runtime(
            credential=lambda name: FakeCredential(),
            clock=fake_clock,
            polling_interval=0,
            poll_slice=0.05,
            backoff=0,
        ),
    )
    _patch_runtime_users(monkeypatch)
    return fake_clock


def _patch_runtime_users(monkeypatch: pytest.MonkeyPatch) -> None:
    from gitops_ml.targets.azureml import apply

    monkeypatch.setattr(apply, "RUNTIME", client.RUNTIME)


@pytest.fixture
def fake(
    network_guard: responses.RequestsMock, clock: FakeClock
) -> Iterator[FakeAzureML]:
    service = FakeAzureML(resource_group="rg-ml-prod", workspace="mlw-prod")
    for version in ("8", "9", "10"):
        service.add_model("churn-model", version)
    service.add_environment("sklearn-serving", "4")
    service.on_stalled_poll = lambda: clock.advance(30)
    service.variations = True
    service.install(network_guard)
    yield service
    service.release()
    for thread in threading.enumerate():
        if thread.name.startswith("LROPoller"):
            thread.join(timeout=10)
    assert not service.unplanned, service.unplanned


def gitops(
    repo: GitRepo, *args: str, capsys: pytest.CaptureFixture[str] | None = None
) -> int:
    return main([*args, "--repo", str(repo.path)])


def run_json(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, Any]:
    capsys.readouterr()
    code = main([*args, "--format", "json", "--repo", str(repo.path)])
    captured = capsys.readouterr()
    assert captured.out.strip(), f"no JSON on stdout; stderr: {captured.err}"
    return code, json.loads(captured.out)


def promote(repo: GitRepo, old: str, new: str) -> str:
    repo.replace("environments/prod.yaml", f'version: "{old}"', f'version: "{new}"')
    sha = repo.commit(f"Promote churn-model {new} to prod")
    repo.git("push", "-q", "origin", "main")
    return sha
