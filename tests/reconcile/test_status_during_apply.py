"""status while another process applies: the environment is "in progress", naming
the lease holder and since when, not "drifted ... added by hand"."""

from __future__ import annotations

import json
import shutil

import jsonschema

from gitops_ml.spec.schema import load_schema
from tests.conftest import Cli, GitRepo
from tests.reconcile.test_lease import hold_lease


def swap_in_version_9(repo: GitRepo) -> None:
    """What an apply of 1.9 has done before it records anything."""
    shutil.copytree(repo.served / "churn-model/10", repo.served / "churn-model/9")


def test_status_says_in_progress_while_another_process_holds_the_lease(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    with hold_lease(example_repo) as holder:
        swap_in_version_9(example_repo)
        text = cli("status", *args)
        payload = json.loads(cli("status", "--format", "json", *args).out)
    assert text.code == 0
    assert "local: in progress" in text.out
    assert f"pid {holder.pid} since" in text.out
    assert "added by hand" not in text.out
    jsonschema.validate(payload, load_schema("status"))
    env = payload["environments"][0]
    assert env["state"] == "in progress"
    assert f"pid {holder.pid} since" in env["leaseHolder"]
    assert env["objects"][0]["state"] == "in progress"
    assert env["objects"][0]["reason"].startswith("an apply is running: ")


def test_without_a_live_holder_the_same_tree_is_drift(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    with hold_lease(example_repo) as holder:
        holder.kill()
        holder.wait()
    swap_in_version_9(example_repo)
    out = cli("status", *args).out
    assert "local: drifted" in out
    assert "folder 9 was added by hand" in out
