"""drift compares each target with what was applied to it, not with HEAD."""

from __future__ import annotations

import json
import os

from tests.conftest import Cli, GitRepo


def test_a_committed_but_unapplied_change_is_not_drift(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    example_repo.pin_local("1.9")
    example_repo.commit("local: 1.9")
    assert cli("drift", "--detailed-exitcode", *args).code == 0
    assert cli("plan", "--detailed-exitcode", *args).code == 2


def test_a_deleted_file_and_a_hand_added_folder_are_drift(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    (example_repo.served / "churn-model/10/model.json").unlink()
    (example_repo.served / "churn-model/11").mkdir()
    (example_repo.served / "churn-model/11/model.json").write_text("{}")
    found = cli("drift", "--detailed-exitcode", "--format", "json", *args)
    assert found.code == 2
    [report] = json.loads(found.out)["drift"]
    assert report["drifted"][0]["detail"] == (
        "10/model.json deleted; folder 11 was added by hand"
    )


def test_repair_puts_back_the_version_applied_not_the_one_at_head(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    example_repo.pin_local("1.9")
    example_repo.commit("local: 1.9, not applied yet")
    served = example_repo.served / "churn-model/10/model.json"
    original = served.read_bytes()
    os.truncate(served, 3)
    assert cli("drift", "--repair", *args).code == 0
    assert served.read_bytes() == original
    assert not (example_repo.served / "churn-model/9").exists()
