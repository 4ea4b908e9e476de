"""Plan and apply an environment of 200 models on the filesystem target, cold and
then in sync, against a plain `cp -r` of the same artifacts in the same run.

    python benchmarks/filesystem_bench.py [--models 200] [--size-kib 256]

Prints seconds and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gitops_ml.cli import main

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def build_repo(root: Path, models: int, size: int) -> Path:
    """A GitOps repo with ``models`` models, one file each, all pinned in 'bench'."""
    import hashlib

    (root / "models").mkdir(parents=True)
    (root / "environments").mkdir()
    deployments = []
    for index in range(models):
        name = f"model-{index:03d}"
        data = os.urandom(size)
        artifact = root / "artifacts" / name / "1" / "model.onnx"
        artifact.parent.mkdir(parents=True)
        artifact.write_bytes(data)
        (root / "models" / f"{name}.yaml").write_text(
            "apiVersion: gitops-ml/v1\nkind: Model\n"
            f"metadata:\n  name: {name}\nspec:\n  versions:\n"
            '    - version: "1"\n      created: 2026-12-01T00:00:00Z\n'
            "      artifacts:\n        files:\n"
            f"          - path: artifacts/{name}/1/model.onnx\n"
            f"            sha256: {hashlib.sha256(data).hexdigest()}\n"
        )
        deployments.append(f'    - model: {name}\n      version: "1"\n')
    (root / "environments" / "bench.yaml").write_text(
        "apiVersion: gitops-ml/v1\nkind: Environment\nmetadata:\n  name: bench\n"
        "spec:\n  target:\n    type: filesystem\n    root: serving/models\n"
        "  prune: true\n  deployments:\n" + "".join(deployments)
    )
    (root / ".gitignore").write_text("/serving/\n/copy/\n")
    env = {**os.environ, **GIT_ENV}
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "bench"],
    ):
        subprocess.run(command, cwd=root, check=True, env=env)
    return root


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def gitops(*args: str) -> Callable[[], None]:
    def run() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(list(args))
        assert code == 0, args

    return run


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--size-kib", type=int, default=256)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        repo = build_repo(
            Path(temp) / "gitops", options.models, options.size_kib * 1024
        )
        args = ("--env", "bench", "--repo", str(repo))
        copy = timed(
            lambda: subprocess.run(
                ["cp", "-r", str(repo / "artifacts"), str(repo / "copy")], check=True
            )
        )
        rows = [
            ("plan, cold", timed(gitops("plan", *args))),
            ("apply, cold", timed(gitops("apply", *args))),
            ("plan, in sync", timed(gitops("plan", *args))),
            ("apply, in sync", timed(gitops("apply", *args))),
        ]
        served = sum(1 for p in (repo / "serving/models").rglob("*") if p.is_file())
        assert served == options.models
        shutil.rmtree(repo / "copy")
    total = options.models * options.size_kib / 1024
    print(f"machine: {machine()}")
    print(f"{options.models} models x {options.size_kib} KiB ({total:.0f} MiB)")
    print(f"{'cp -r of the artifacts':<24}{copy:8.3f} s   1.00 x copy")
    for label, seconds in rows:
        print(f"{label:<24}{seconds:8.3f} s  {seconds / copy:5.2f} x copy")


if __name__ == "__main__":
    main_bench()
