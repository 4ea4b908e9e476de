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


def load_revision(root: Path, revision: str, strict: bool = True) -> RepoSpec:
    """The desired state at ``revision``; invalid input there is an error.

    With ``strict=False`` the documents that load are returned and problems are
    ignored (a base revision is only compared against, never deployed).
    """
    spec = load_repo(GitSource(root, revision))
    if not strict:
        return spec
    spec.findings.extend(check_repo(spec))
    errors = sorted(
        spec.findings.errors,
        key=lambda f: (f.location.file, f.location.line, f.location.column),
    )
    if errors:
        first = errors[0]
        more = len(errors) - 1
        raise InputError(
            f"{first.message}" + (f" (and {more} more problems)" if more else ""),
            location=first.location,
            hint=f"run gitops-ml validate on revision {spec.source.label} and fix "
            "the problems it lists",
        )
    return spec
