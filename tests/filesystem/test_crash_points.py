"""Killed at every rename in turn, an apply never leaves a half-written version in
the served tree, and the next apply converges.

strace kills the process exactly at the Nth rename (deterministic, no timers).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitops_ml.targets.filesystem.digest import folder_digests
from tests.conftest import GitRepo

MAX_POINTS = 30
V8_SHA = "b6506a4e02e54295ed551b23118acaaf04ce492715c82f19ba489ec7ea5b9ed2"


def apply_killed_at(repo: Path, rename: int) -> int:
    """Run apply, SIGKILLed at its ``rename``-th rename; return its exit status."""
    calls = "rename,renameat,renameat2"
    result = subprocess.run(
        [
            "strace", "-f", "-qq", "-o", "/dev/null", "-e", f"trace={calls}",
            "-e", f"inject={calls}:signal=KILL:when={rename}",
            sys.executable, "-m", "gitops_ml", "apply", "--env", "local",
            "--repo", str(repo),
        ],
        capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    return result.returncode


def apply(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "gitops_ml",
            "apply",
            "--env",
            "local",
            "--repo",
            str(repo),
        ],
        capture_output=True,
        text=True,
    )


def complete_versions(served: Path, known: dict[str, dict[str, str]]) -> list[str]:
    """The version folders served; each must hold exactly one known version's files."""
    folders = sorted(p.name for p in (served / "churn-model").iterdir())
    for folder in folders:
        assert folder_digests(served / "churn-model" / folder) == known[folder], folder
    return folders


@pytest.fixture
def strace() -> None:
    if shutil.which("strace") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "strace is missing: scripts/filesystem-test-setup.sh installs it"
            )
        pytest.skip("strace is not installed")


@pytest.mark.usefixtures("strace")
def test_a_kill_at_any_rename_leaves_only_complete_versions_and_converges(
    example_repo: GitRepo, tmp_path: Path
) -> None:
    repo = example_repo
    repo.pin_local("1.9")
    repo.commit("local: 1.9")
    assert apply(repo.path).returncode == 0
    known = {"9": folder_digests(repo.served / "churn-model/9")}
    repo.pin_local("1.10")
    repo.commit("local: 1.10")
    assert apply(repo.path).returncode == 0  # 9 is now kept outside, for a rollback
    known["10"] = folder_digests(repo.served / "churn-model/10")
    repo.pin_local("1.9", "1.8")
    repo.commit("local: back to 1.9, plus 1.8")
    known["8"] = {"model.json": V8_SHA}

    points = 0
    for rename in range(1, MAX_POINTS + 1):
        trial = tmp_path / f"killed-at-{rename}"
        shutil.copytree(repo.path, trial, symlinks=True)
        status = apply_killed_at(trial, rename)
        served = trial / "serving" / "model-repository"
        complete_versions(served, known)
        if status == 0:
            break
        assert status in (-9, 137), status
        points += 1
        assert apply(trial).returncode == 0
        assert complete_versions(served, known) == ["8", "9"]
        replan = subprocess.run(
            [sys.executable, "-m", "gitops_ml", "plan", "--env", "local",
             "--detailed-exitcode", "--repo", str(trial)],
            capture_output=True,
        )  # fmt: skip
        assert replan.returncode == 0, replan.stdout
    assert points >= 4  # restore from previous, install 8 and 9, retire 10, state
