"""plan: ordered actions with reasons, terraform-like lines, JSON that matches its
schema, and --detailed-exitcode."""

from __future__ import annotations

import json

import jsonschema

from gitops_ml.spec.schema import load_schema
from tests.conftest import Cli, GitRepo

V10_SHA = "841a79a6965b33424b832fa460a40cf0f32061ce04224247ff1072d3923f962b"


def test_text_plan_shows_added_and_removed_files_per_folder(
    example_repo: GitRepo, cli: Cli
) -> None:
    repo = str(example_repo.path)
    assert cli("apply", "--env", "local", "--repo", repo).code == 0
    example_repo.pin_local("1.9")
    example_repo.commit("local: 1.9")
    out = cli("plan", "--env", "local", "--repo", repo).out
    assert "~ update churn-model (churn-model@1.9): version 1.10 -> 1.9" in out
    assert "+ 9/model.json: sha256:bcbbb98b8381" in out
    assert "- 10/model.json: sha256:841a79a6965b" in out
    assert "Plan: 1 to update." in out


def test_detailed_exitcode_is_2_only_when_something_changes(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("plan", "--detailed-exitcode", *args).code == 2
    assert cli("plan", *args).code == 0
    assert cli("apply", *args).code == 0
    assert cli("plan", "--detailed-exitcode", *args).code == 0


def test_json_plan_matches_its_published_schema(
    example_repo: GitRepo, cli: Cli
) -> None:
    repo = str(example_repo.path)
    created = json.loads(
        cli("plan", "--env", "local", "--format", "json", "--repo", repo).out
    )
    assert cli("apply", "--env", "local", "--repo", repo).code == 0
    example_repo.pin_local("1.9", "1.8")
    example_repo.commit("local: 1.9 and 1.8")
    updated = json.loads(
        cli("plan", "--env", "local", "--format", "json", "--repo", repo).out
    )
    schema = load_schema("plan")
    for output in (created, updated):
        jsonschema.validate(output, schema)
    action = updated["plans"][0]["actions"][0]
    assert (action["op"], action["fromVersion"], action["version"]) == (
        "update",
        "1.10",
        "1.9,1.8",
    )
    removed = [c for c in action["changes"] if c["field"] == "10/model.json"]
    assert removed == [
        {
            "field": "10/model.json",
            "before": "sha256:" + V10_SHA,
            "after": None,
        }
    ]
