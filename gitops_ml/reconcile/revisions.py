"""Which revisions an apply may deploy: on the deploy branch, never older."""

from __future__ import annotations

import git

from gitops_ml.errors import InputError
from gitops_ml.reconcile.objects import Observation


def check_on_branch(repo: git.Repo, sha: str, branch: str, remote: str) -> None:
    refs = [f"refs/heads/{branch}", f"refs/remotes/{remote}/{branch}"]
    known = [ref for ref in refs if _exists(repo, ref)]
    if not known:
        raise InputError(
            f"the deploy branch '{branch}' does not exist here",
            hint=f"fetch it (git fetch {remote} {branch}) or pass --force",
        )
    if not any(repo.is_ancestor(repo.commit(sha), repo.commit(ref)) for ref in known):
        raise InputError(
            f"revision {sha[:7]} is not on the deploy branch '{branch}'",
            hint="merge it first, or pass --force to deploy it anyway",
        )


def check_not_older(repo: git.Repo, sha: str, observed: Observation) -> None:
    problem = older_than_running(repo, sha, observed)
    if problem is not None:
        raise problem


def older_than_running(
    repo: git.Repo, sha: str, observed: Observation
) -> InputError | None:
    """Why apply would refuse ``sha`` as older than what runs, or None."""
    for revision in sorted({o.revision for o in observed.objects if o.revision}):
        if revision == sha:
            continue
        if not _exists(repo, revision):
            return InputError(
                f"the target runs revision {revision[:7]}, which this clone does "
                "not have, so gitops-ml cannot tell whether "
                f"{sha[:7]} is newer",
                hint="fetch the full history (fetch-depth: 0) or pass --force",
            )
        if not repo.is_ancestor(repo.commit(revision), repo.commit(sha)):
            return InputError(
                f"revision {sha[:7]} is older than {revision[:7]}, which the "
                "target already runs",
                hint="deploy a newer commit (git revert makes one) or pass --force",
            )
    return None


def _exists(repo: git.Repo, ref: str) -> bool:
    try:
        repo.commit(ref)
    except (git.BadName, ValueError, git.GitCommandError):
        return False
    return True
