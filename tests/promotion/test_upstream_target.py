"""Soak and health come from the upstream target itself (a filesystem target)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import git
import pytest

from gitops_ml.cli import build_parser
from gitops_ml.commands import promote as promote_command
from tests.promotion.promotion_repo import cli, commit_all

SHOP = """\
apiVersion: gitops-ml/v1
kind: Environment
metadata:
  name: shop
spec:
  target:
    type: filesystem
    root: serving/shop
  promotion:
    from: local
    soak: 1h
  deployments:
    - model: churn-model
      version: "1.9"
"""


@pytest.fixture
def chained(work: git.Repo) -> git.Repo:
    root = Path(work.working_dir)
    (root / "environments" / "shop.yaml").write_text(SHOP)
    (root / ".gitignore").write_text("serving/\n")
    commit_all(work, "Add the shop environment, promoted from local")
    work.git.push("-q", "origin", "main")
    assert cli(work, "apply", "--env", "local") == 0  # local runs 1.10 from now on
    return work


def promote_at(work: git.Repo, now: datetime) -> int:
    args = build_parser().parse_args(
        ["promote", "--repo", str(work.working_dir), "churn-model", "--to", "shop"]
    )
    return promote_command.execute(args, now=now)


def test_the_soak_counts_from_the_apply_recorded_on_the_upstream_target(
    chained: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert promote_at(chained, datetime.now(UTC)) == 1
    assert "to go" in capsys.readouterr().out

    assert promote_at(chained, datetime.now(UTC) + timedelta(hours=2)) == 0
    out = capsys.readouterr().out
    assert "local in sync and healthy" in out


def test_an_upstream_changed_by_hand_is_not_healthy(
    chained: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    served = Path(chained.working_dir) / "serving" / "model-repository" / "churn-model"
    for folder in served.iterdir():
        if folder.is_dir():
            for item in folder.rglob("*"):
                if item.is_file():
                    item.write_text("changed by hand")
    capsys.readouterr()

    assert promote_at(chained, datetime.now(UTC) + timedelta(hours=2)) == 1
    assert "FAIL local in sync and healthy: not in sync" in capsys.readouterr().out
