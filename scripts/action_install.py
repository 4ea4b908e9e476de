"""Install gitops-ml for the GitHub Action into a venv of its own (stdlib only).

The venv is keyed by a hash of the lock file and the package sources, lives under
``$GITOPS_ML_CACHE_DIR`` (default ``$RUNNER_TEMP``) and is reused by later steps of the
job. Dependencies come only from ``requirements/action.lock``, each checked against its
hash; the package itself is installed from the action's folder without dependencies.
The venv's Python is written to ``$GITHUB_OUTPUT`` as ``python``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PIP = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")


def source_key(action_path: Path) -> str:
    digest = hashlib.sha256(sys.version.encode())
    files = [action_path / "requirements" / "action.lock"]
    files.append(action_path / "pyproject.toml")
    files += sorted(p for p in (action_path / "gitops_ml").rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(action_path).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_venv(action_path: Path, staging: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(staging)], check=True)
    python = str(staging / "bin" / "python")
    lock = str(action_path / "requirements" / "action.lock")
    subprocess.run(
        [python, *PIP, "--require-hashes", "--only-binary", ":all:", "-r", lock],
        check=True,
    )
    subprocess.run(
        [python, *PIP, "--no-deps", "--no-build-isolation", "--no-index", "."],
        cwd=action_path,
        check=True,
    )


def install(action_path: Path, cache_dir: Path) -> Path:
    venv = cache_dir / f"gitops-ml-{source_key(action_path)}"
    if not venv.is_dir():
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=venv.name + ".", dir=cache_dir))
        try:
            build_venv(action_path, staging)
            os.rename(staging, venv)  # atomic; fails if a parallel job won the race
        except OSError:
            if not venv.is_dir():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return venv / "bin" / "python"


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 (runs on the runner's python3)
        print("::error title=gitops-ml::python3 on this runner is older than 3.11")
        return 1
    action_path = Path(os.environ["ACTION_PATH"]).resolve()
    cache_dir = os.environ.get("GITOPS_ML_CACHE_DIR") or os.environ["RUNNER_TEMP"]
    python = install(action_path, Path(cache_dir))
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        output.write(f"python={python}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
