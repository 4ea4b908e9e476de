"""An in-sync plan trusts each served file's recorded stat fingerprint instead of
re-reading it, while an edited file is still caught."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import Cli, GitRepo


def files_opened_by_plan(repo: GitRepo) -> list[str]:
    """The files a real `gitops-ml plan` process opens, as the kernel saw them."""
    trace = repo.path.parent / "plan.trace"
    subprocess.run(
        [
            "strace", "-f", "-qq", "-e", "trace=open,openat", "-o", str(trace),
            sys.executable, "-m", "gitops_ml", "plan", "--env", "local",
            "--repo", str(repo.path),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    return [line for line in trace.read_text().splitlines() if "= -1" not in line]


@pytest.fixture
def strace() -> None:
    if shutil.which("strace") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "strace is missing: scripts/filesystem-test-setup.sh installs it"
            )
        pytest.skip("strace is not installed")


@pytest.mark.usefixtures("strace")
def test_an_in_sync_plan_opens_no_served_file(example_repo: GitRepo, cli: Cli) -> None:
    assert cli("apply", "--env", "local", "--repo", str(example_repo.path)).code == 0
    served = str(example_repo.served / "churn-model" / "10" / "model.json")
    assert not [line for line in files_opened_by_plan(example_repo) if served in line]

    (example_repo.served / "churn-model/10/model.json").touch()
    assert [line for line in files_opened_by_plan(example_repo) if served in line]


def test_an_edit_that_keeps_size_and_mtime_is_still_drift(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    served = example_repo.served / "churn-model/10/model.json"
    stat = served.stat()
    data = served.read_bytes()
    served.write_bytes(data[:-2] + b"X" + data[-1:])
    os.utime(served, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert served.stat().st_size == stat.st_size
    drift = cli("drift", "--detailed-exitcode", *args)
    assert drift.code == 2
    assert "10/model.json changed" in drift.out
