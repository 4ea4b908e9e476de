"""A full disk and a read-only root: one clear error, exit 1, no traceback, and the
previous version untouched.  Real faults, on small tmpfs mounts (needs root)."""

from __future__ import annotations

from gitops_ml.targets.filesystem.digest import folder_digests
from tests.conftest import Cli, GitRepo, sha256
from tests.filesystem.mounts import remount_read_only, tmpfs

ROOT = "mnt/model-repository"
BIG = b"w" * 100_000  # more than the 64 KiB mount holds


def test_a_full_disk_fails_clearly_and_keeps_the_previous_version(
    example_repo: GitRepo, cli: Cli
) -> None:
    example_repo.write(".gitignore", "/mnt/\n")
    example_repo.write("artifacts/churn-model/1.11/model.onnx", BIG.decode())
    example_repo.add_version(
        "1.11",
        11,
        [{"path": "artifacts/churn-model/1.11/model.onnx", "sha256": sha256(BIG)}],
    )
    example_repo.pin_local("1.10", root=ROOT)
    example_repo.commit("local: 1.10 on a small disk")
    args = ("apply", "--env", "local", "--repo", str(example_repo.path))
    with tmpfs(example_repo.path / "mnt") as mount:
        assert cli(*args).code == 0
        before = folder_digests(mount / "model-repository")
        example_repo.pin_local("1.11", root=ROOT)
        example_repo.commit("local: 1.11, too big for the disk")
        failed = cli(*args)
        assert failed.code == 1
        assert "No space left on device" in failed.out
        assert "free space on the target" in failed.out
        assert "Traceback" not in failed.out + failed.err
        assert folder_digests(mount / "model-repository") == before
        plan = cli("plan", "--env", "local", "--repo", str(example_repo.path))
        assert "not retried" not in plan.out  # a full disk is not the version's fault


def test_a_read_only_root_fails_clearly_and_keeps_the_previous_version(
    example_repo: GitRepo, cli: Cli
) -> None:
    example_repo.write(".gitignore", "/mnt/\n")
    example_repo.pin_local("1.10", root=ROOT)
    example_repo.commit("local: 1.10")
    args = ("apply", "--env", "local", "--repo", str(example_repo.path))
    with tmpfs(example_repo.path / "mnt", size="1m") as mount:
        assert cli(*args).code == 0
        before = folder_digests(mount / "model-repository")
        remount_read_only(mount)
        example_repo.pin_local("1.9", root=ROOT)
        example_repo.commit("local: 1.9")
        failed = cli(*args)
        assert failed.code == 1
        assert failed.err.splitlines()[0].endswith("Read-only file system")
        assert "Traceback" not in failed.err
        assert folder_digests(mount / "model-repository") == before
