"""Find the GitOps repo a command works on and read it at a revision."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gitops_ml.errors import InputError
from gitops_ml.spec.checks import check_repo
from gitops_ml.spec.repo import RepoSpec, load_repo
from gitops_ml.spec.source import FolderSource, GitSource


def repo_root(start: str) -> Path:
    """The top of the git work tree containing ``start``, or ``start`` itself."""
    path = Path(start).resolve()
    if not path.is_dir():
        raise InputError(f"{start} is not a folder", hint="pass --repo DIR")
    result = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    return Path(result.stdout.strip()) if result.returncode == 0 else path


def load_folder(root: Path, extra: list[str] | None = None) -> RepoSpec:
    spec = load_repo(FolderSource(root), extra)
    spec.findings.extend(check_repo(spec))
    return spec


def load_revision(root: Path, revision: str) -> RepoSpec:
    """The desired state at ``revision``; invalid input there is an error."""
    spec = load_repo(GitSource(root, revision))
    spec.findings.extend(check_repo(spec))
    if spec.findings:
        first = spec.findings.sorted()[0]
        more = len(spec.findings) - 1
        raise InputError(
            f"{first.message}" + (f" (and {more} more problems)" if more else ""),
            location=first.location,
            hint=f"run gitops-ml validate on revision {spec.source.label} and fix "
            "the problems it lists",
        )
    return spec
