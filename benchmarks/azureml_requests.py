"""Count the Azure ML requests gitops-ml makes, three scenarios side by side.

Runs the real CLI against the in-memory fake of the service (tests/azureml/fake), so
the figures are request counts, not timings:

  in sync        an endpoint with two deployments that already matches Git
  version        one deployment moves to the next model version (no rollout)
  canary         the same move with a three-step canary rollout

Usage: python benchmarks/azureml_requests.py
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import responses

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from gitops_ml.cli import main  # noqa: E402
from gitops_ml.targets.azureml import apply, client  # noqa: E402
from tests.azureml.fake.clock import FakeClock  # noqa: E402
from tests.azureml.fake.service import FakeAzureML  # noqa: E402

ENVIRONMENT = """apiVersion: gitops-ml/v1
kind: Environment
metadata:
  name: prod
spec:
  target:
    type: azureml
    subscriptionId: 00000000-0000-0000-0000-000000000000
    resourceGroup: rg-ml-prod
    workspace: mlw-prod
  endpoints:
    - name: churn-prod
{rollout}      deployments:
        - model: churn-model
          version: "{version}"
          traffic: {share}
          settings: {{instance_type: Standard_DS3_v2, instance_count: 2}}
{second}"""
SECOND = """        - model: churn-model
          version: "1.8"
          traffic: 10
          settings: {instance_type: Standard_DS3_v2, instance_count: 1}
"""
ROLLOUT = """      rollout:
        steps:
          - {traffic: 10, pause: 5m}
          - {traffic: 25, pause: 5m}
          - {traffic: 50, pause: 5m}
"""


class Credential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("benchmark", int(time.time()) + 3600)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def make_repo(root: Path) -> Path:
    origin, repo = root / "origin.git", root / "gitops"
    subprocess.run(
        ["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True
    )
    repo.mkdir()
    shutil.copytree(PROJECT / "models", repo / "models")
    shutil.copytree(PROJECT / "artifacts", repo / "artifacts")
    (repo / "environments").mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", str(origin))
    return repo


def commit(repo: Path, version: str, *, two: bool, rollout: bool) -> None:
    text = ENVIRONMENT.format(
        version=version,
        share=90 if two else 100,
        second=SECOND if two else "",
        rollout=ROLLOUT if rollout else "",
    )
    (repo / "environments" / "prod.yaml").write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"prod runs {version}")
    git(repo, "push", "-q", "origin", "main")


def gitops(repo: Path, command: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main([command, "--env", "prod", "--repo", str(repo)])


def scenario(name: str, *, two: bool, rollout: bool, change: bool) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as temp,
        responses.RequestsMock(assert_all_requests_are_fired=False) as mock,
    ):
        fake = FakeAzureML()
        fake.variations = True  # reads spelled the way the service spells them
        for version in ("8", "9", "10"):
            fake.add_model("churn-model", version)
        fake.add_environment("sklearn-serving", "4")
        fake.install(mock)
        repo = make_repo(Path(temp))
        commit(repo, "1.9", two=two, rollout=rollout)
        assert gitops(repo, "apply") == 0
        if change:
            commit(repo, "1.10", two=two, rollout=rollout)
        fake.calls.clear()
        assert gitops(repo, "apply") == 0
        calls = list(fake.calls)
        fake.release()
        for thread in threading.enumerate():
            if thread.name.startswith("LROPoller"):
                thread.join(timeout=10)
    polls = sum(c.path.startswith("operations/") for c in calls)
    writes = sum(c.write for c in calls)
    return {
        "scenario": name,
        "reads": len(calls) - writes - polls,
        "writes": writes,
        "polls": polls,
        "total": len(calls),
    }


def main_benchmark() -> None:
    os.environ.setdefault("GIT_AUTHOR_NAME", "bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@example.com")
    os.environ.setdefault("GIT_COMMITTER_NAME", "bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@example.com")
    runtime = client.Runtime(
        credential=lambda name: Credential(),
        clock=FakeClock(),
        polling_interval=0,
        poll_slice=0.05,
        backoff=0,
    )
    client.RUNTIME = runtime
    apply.RUNTIME = runtime
    rows = [
        scenario("in sync (2 deployments)", two=True, rollout=False, change=False),
        scenario("one version change", two=False, rollout=False, change=True),
        scenario("canary, 3 steps", two=False, rollout=True, change=True),
    ]
    base = rows[0]["total"] or 1
    print(f"{'scenario':26} {'reads':>5} {'writes':>6} {'polls':>5} {'total':>5} ratio")
    for row in rows:
        print(
            f"{row['scenario']:26} {row['reads']:>5} {row['writes']:>6} "
            f"{row['polls']:>5} {row['total']:>5} {row['total'] / base:5.1f}x"
        )
    in_sync = rows[0]
    goal = in_sync["reads"] <= 3 and in_sync["writes"] == 0
    print(f"goal (in sync: <= 3 reads, 0 writes): {'met' if goal else 'MISSED'}")


if __name__ == "__main__":
    main_benchmark()
