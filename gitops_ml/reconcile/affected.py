"""Which environments a commit range touches, read from Git alone."""

from __future__ import annotations

from pathlib import Path

from gitops_ml import gitrepo
from gitops_ml.errors import InputError
from gitops_ml.spec.repo import CONFIG_FILE, RepoSpec, load_repo
from gitops_ml.spec.source import GitSource


def affected_environments(root: Path, commit_range: str) -> list[str]:
    if ".." not in commit_range:
        raise InputError(
            f"--affected takes BASE..HEAD, not '{commit_range}'",
            hint="for example --affected origin/main..HEAD",
        )
    base, head = commit_range.split("..", 1)
    repo = gitrepo.open_repo(root)
    base_sha = gitrepo.resolve(repo, base or "HEAD").hexsha
    head_sha = gitrepo.resolve(repo, head or "HEAD").hexsha
    changed = repo.git.diff("--name-only", base_sha, head_sha).splitlines()
    specs = [load_repo(GitSource(root, base_sha)), load_repo(GitSource(root, head_sha))]
    names: set[str] = set()
    for path in changed:
        names |= _touched_by(path, specs)
    return sorted(n for n in names if n in specs[1].environments)


def _touched_by(path: str, specs: list[RepoSpec]) -> set[str]:
    names: set[str] = set()
    for spec in specs:
        if path == CONFIG_FILE:
            names |= set(spec.environments)
        for env in spec.environments.values():
            if env.document.path == path:
                names.add(env.name)
            for model_name, version, _ in env.pins():
                if _model_uses(spec, model_name, version, path):
                    names.add(env.name)
    return names


def _model_uses(spec: RepoSpec, model_name: str, version: str, path: str) -> bool:
    model = spec.models.get(model_name)
    if model is None:
        return False
    if model.document.path == path:
        return True
    entry = model.versions.get(version)
    files = (entry.artifacts.get("files") or []) if entry else []
    return any(item.get("path") == path for item in files)
