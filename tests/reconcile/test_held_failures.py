"""A version held after failing is never reported as "no changes": plan lists it,
--detailed-exitcode says the target does not match Git, apply exits 1 saying how to
go on; fixing the bytes at the source under the same sha256 still needs
--retry-failed, because the desired state is the same."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from gitops_ml.spec.schema import load_schema
from tests.conftest import Cli, GitRepo, sha256
from tests.reconcile.test_failed_step import add_bad_version

WEIGHTS = b"weights of 1.11\n" * 100


def test_plan_lists_a_held_failure_instead_of_no_changes(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    add_bad_version(example_repo)
    assert cli("apply", *args).code == 1

    text = cli("plan", *args)
    assert text.code == 0
    assert "No changes" not in text.out
    assert "! held churn-model (churn-model@1.11): failed at" in text.out
    assert "1 held after failing" in text.out
    assert cli("plan", "--detailed-exitcode", *args).code == 2

    payload = json.loads(cli("plan", "--format", "json", *args).out)
    jsonschema.validate(payload, load_schema("plan"))
    plan = payload["plans"][0]
    assert (plan["changed"], plan["matchesGit"]) == (False, False)
    assert [(h["name"], h["version"], h["failedAt"]) for h in plan["held"]] == [
        ("churn-model", "1.11", example_repo.head)
    ]


def test_apply_exits_1_while_a_desired_version_is_held(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    add_bad_version(example_repo)
    assert cli("apply", *args).code == 1
    again = cli("apply", *args)
    assert again.code == 1
    assert "No changes" not in again.out
    assert (
        "1 version(s) held after failing; fix and change the desired state, or "
        "re-run with --retry-failed" in again.out.replace("\n", " ")
    )
    payload = json.loads(cli("apply", "--format", "json", *args).out)
    jsonschema.validate(payload, load_schema("apply"))
    assert payload["applies"][0]["ok"] is False


def test_bytes_fixed_under_the_same_sha256_still_need_retry_failed(
    example_repo: GitRepo, cli: Cli, tmp_path: Path
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    source = tmp_path / "exported" / "model.onnx"
    source.parent.mkdir()
    source.write_bytes(b"truncated upload")
    example_repo.add_version(
        "1.11", 11, [{"url": source.as_uri(), "sha256": sha256(WEIGHTS)}]
    )
    example_repo.pin_local("1.11")
    example_repo.commit("local: 1.11")
    assert cli("apply", *args).code == 1

    source.write_bytes(WEIGHTS)  # fixed at the source; Git is unchanged
    held = cli("apply", *args)
    assert held.code == 1
    assert "same sha256 is the same desired state" in held.out.replace("\n", " ")
    assert not (example_repo.served / "churn-model/11").exists()
    assert cli("apply", "--retry-failed", *args).code == 0
    assert (example_repo.served / "churn-model/11/model.onnx").read_bytes() == WEIGHTS
    assert cli("plan", "--detailed-exitcode", *args).code == 0
