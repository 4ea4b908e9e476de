"""promote, rollback, hold and history --format json match their published schemas."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import git
import pytest
from jsonschema import Draft202012Validator

from tests.github_fake import FakeGitHub
from tests.promotion.promotion_repo import BRANCH, Promote, Rollback, cli, merge

JSON = ("--format", "json")


def validate(name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The command's stdout, checked against ``name``.schema.json."""
    text = resources.files("gitops_ml.schemas").joinpath(f"{name}.schema.json")
    schema = json.loads(text.read_text("utf-8"))
    output: dict[str, Any] = json.loads(capsys.readouterr().out)
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(output)]
    assert errors == []
    return output


def test_promote_output_matches_its_schema_whatever_the_outcome(
    github_env: FakeGitHub, promote: Promote, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    promote("churn-model", "--to", "prod", *JSON, upstream_days=0.5)
    assert validate("promote", capsys)["gates"][-2]["next"]  # the soak: wait

    promote("churn-model", "--to", "prod", "--open-pr", *JSON)
    assert validate("promote", capsys)["pullRequest"]["check"] == "check-run"

    promote("churn-model", "--to", "staging", "--from", "dev", *JSON)
    assert validate("promote", capsys)["changed"] is False


def test_rollback_hold_and_history_output_match_their_schemas(
    github_env: FakeGitHub,
    promote: Promote,
    rollback: Rollback,
    work: git.Repo,
    capsys: pytest.CaptureFixture[str],
) -> None:
    promote("churn-model", "--to", "prod")
    merge(work, BRANCH)
    capsys.readouterr()

    assert rollback("--env", "prod", "--open-pr", *JSON) == 0
    assert validate("rollback", capsys)["pullRequest"]["created"] is True
    assert cli(work, "rollback", "--env", "prod", "--to", "HEAD~2", *JSON) == 0
    assert validate("rollback", capsys)["reverted"] is None

    merge(work, "gitops-ml/rollback/prod/churn-model")
    capsys.readouterr()
    assert cli(work, "hold", "list", *JSON) == 0
    assert validate("hold", capsys)["holds"]
    assert cli(work, "hold", "release", "churn-model@1.10", *JSON) == 0
    assert validate("hold", capsys)["environments"] == ["prod"]

    assert cli(work, "history", *JSON) == 0
    kinds = {c["kind"] for c in validate("history", capsys)["changes"]}
    assert {"added", "promotion", "rollback"} <= kinds
