"""Which environments a commit range touches, read from Git alone.

An environment is touched when its own document changes, when the config changes, or
when the entry of a model version it pins changes, or one of that version's artifact
files does (an unchanged environment document pins the same versions at both ends).
Adding a version nobody pins touches nothing.
"""

from __future__ import annotations

from pathlib import Path

import git

from gitops_ml import gitrepo
from gitops_ml.errors import InputError
from gitops_ml.reconcile.hashing import canonical
from gitops_ml.spec.documents import Environment
from gitops_ml.spec.repo import CONFIG_FILE, RepoSpec, load_repo
from gitops_ml.spec.source import GitSource


def affected_environments(root: Path, commit_range: str) -> list[str]:
    repo = gitrepo.open_repo(root)
    base_sha, head_sha = _range(repo, commit_range)
    changed = set(repo.git.diff("--name-only", base_sha, head_sha).splitlines())
    before = load_repo(GitSource(root, base_sha))
    after = load_repo(GitSource(root, head_sha))
    if CONFIG_FILE in changed:
        return sorted(after.environments)
    return sorted(
        name
        for name, env in after.environments.items()
        if env.document.path in changed or _pins_changed(env, before, after, changed)
    )


def _range(repo: git.Repo, commit_range: str) -> tuple[str, str]:
    """BASE..HEAD as given; BASE...HEAD (GitHub's compare form) from the merge base
    of the two, as ``git diff A...B`` reads it."""
    three_dots = "..." in commit_range
    if ".." not in commit_range:
        raise InputError(
            f"--affected takes BASE..HEAD or BASE...HEAD, not '{commit_range}'",
            hint="for example --affected origin/main..HEAD",
        )
    base, head = commit_range.split("..." if three_dots else "..", 1)
    base_sha = gitrepo.resolve(repo, base or "HEAD").hexsha
    head_sha = gitrepo.resolve(repo, head or "HEAD").hexsha
    if three_dots:
        bases = repo.merge_base(base_sha, head_sha)
        if not bases:
            raise InputError(
                f"{base} and {head} have no common ancestor",
                hint="use BASE..HEAD to compare the two commits directly",
            )
        base_sha = bases[0].hexsha
    return base_sha, head_sha


def _pins_changed(
    env: Environment, before: RepoSpec, after: RepoSpec, changed: set[str]
) -> bool:
    return any(
        _entry(before, model, version) != _entry(after, model, version)
        or bool(_artifact_paths(after, model, version) & changed)
        for model, version, _ in env.pins()
    )


def _entry(spec: RepoSpec, model_name: str, version: str) -> str | None:
    model = spec.models.get(model_name)
    entry = model.versions.get(version) if model else None
    return canonical(entry.raw) if entry else None


def _artifact_paths(spec: RepoSpec, model_name: str, version: str) -> set[str]:
    model = spec.models.get(model_name)
    entry = model.versions.get(version) if model else None
    files = (entry.artifacts.get("files") or []) if entry else []
    return {item["path"] for item in files if "path" in item}
