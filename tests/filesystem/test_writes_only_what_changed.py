"""apply writes only what changed: an unrelated commit changes no byte of the state
file or the served tree, modification times included."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import Cli, GitRepo


def snapshot(*roots: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file and folder below ``roots``: mtime, inode and content."""
    seen: dict[str, tuple[int, int, bytes]] = {}
    for root in roots:
        for path in [root, *sorted(root.rglob("*"))]:
            stat = path.stat()
            data = path.read_bytes() if path.is_file() else b""
            seen[str(path)] = (stat.st_mtime_ns, stat.st_ino, data)
    return seen


def test_an_unrelated_commit_then_apply_touches_nothing(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("apply", "--env", "local", "--repo", str(example_repo.path))
    assert cli(*args).code == 0
    before = snapshot(example_repo.served, example_repo.state_file)
    example_repo.write("README.md", "unrelated\n")
    example_repo.commit("unrelated change")
    outcome = cli(*args)
    assert outcome.code == 0
    assert "No changes" in outcome.out
    assert snapshot(example_repo.served, example_repo.state_file) == before


def test_a_second_version_installs_without_touching_the_first(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("apply", "--env", "local", "--repo", str(example_repo.path))
    assert cli(*args).code == 0
    kept = example_repo.served / "churn-model" / "10"
    before = snapshot(kept)
    example_repo.pin_local("1.10", "1.9")
    example_repo.commit("local: 1.10 and 1.9")
    assert cli(*args).code == 0
    assert snapshot(kept) == before
    assert sorted(os.listdir(example_repo.served / "churn-model")) == ["10", "9"]
