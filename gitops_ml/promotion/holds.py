"""Release a hold: a commit (no file change) carrying ``Gitops-Ml-Release``."""

from __future__ import annotations

import git

from gitops_ml.errors import InputError
from gitops_ml.promotion import trailers
from gitops_ml.promotion.branch import identity_env
from gitops_ml.promotion.history import Hold


def release(repo: git.Repo, model: str, version: str, held: list[Hold]) -> str:
    """Commit the release on the current branch without touching index or work tree."""
    if repo.head.is_detached:
        raise InputError(
            "HEAD is detached", hint="check out the deploy branch, then release"
        )
    envs = ", ".join(sorted({h.environment for h in held}))
    message = (
        f"Release the hold on {model} {version} ({envs})\n\n"
        f"{trailers.render([(trailers.RELEASE, f'{model}@{version}')])}\n"
    )
    head = repo.head.commit
    with repo.git.custom_environment(**identity_env(repo, _now())):
        sha: str = repo.git.commit_tree(
            head.tree.hexsha, "-p", head.hexsha, "-m", message
        )
    repo.git.update_ref("HEAD", sha, head.hexsha)
    return sha


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()
