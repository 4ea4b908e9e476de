"""Small helpers over GitPython: open the repo, resolve revisions, read history."""

from __future__ import annotations

from pathlib import Path

import git

from gitops_ml.errors import InputError


def open_repo(path: Path) -> git.Repo:
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise InputError(
            f"{path} is not inside a git repository",
            hint="run gitops-ml in a clone of your GitOps repo (git init starts one)",
        ) from None


def resolve(repo: git.Repo, revision: str) -> git.Commit:
    try:
        return repo.commit(revision)
    except (git.BadName, ValueError, git.GitCommandError):
        raise InputError(
            f"revision '{revision}' does not exist in this repository",
            hint="pass a commit SHA, branch or tag that `git log` shows",
        ) from None
