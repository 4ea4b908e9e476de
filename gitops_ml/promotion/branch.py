"""Git work for promotions, done beside the user's work tree, never in it.

A promotion commit is built with a private index (``GIT_INDEX_FILE``) on top of the
base revision; a rollback is a ``git revert`` in a temporary worktree. Pushes pass the
token per command through ``GIT_CONFIG_*`` variables (never in .git/config, never on a
command line) and read GitPython's push flags, which report a rejection without raising.
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import git

from gitops_ml.errors import InputError, TargetError

_REJECTED = (
    git.PushInfo.ERROR
    | git.PushInfo.REJECTED
    | git.PushInfo.REMOTE_REJECTED
    | git.PushInfo.REMOTE_FAILURE
)


def credentials_env(token: str | None) -> dict[str, str]:
    """Git config for one command: an Authorization header for HTTPS remotes."""
    if not token:
        return {}
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        "GIT_TERMINAL_PROMPT": "0",
    }


def identity_env(repo: git.Repo, date: str) -> dict[str, str]:
    """Who commits (the user's git identity, else gitops-ml) and a fixed date.

    The date is the base commit's, so the same promotion from the same base is the same
    commit: a re-run pushes nothing new and finds its check run again.
    """
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    reader = repo.config_reader()
    if not reader.get_value("user", "name", default=""):
        env |= {"GIT_AUTHOR_NAME": "gitops-ml", "GIT_COMMITTER_NAME": "gitops-ml"}
    if not reader.get_value("user", "email", default=""):
        email = "gitops-ml@users.noreply.github.com"
        env |= {"GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}
    return env


def base_revision(
    repo: git.Repo, remote: str, branch: str, fetch: bool, token: str | None
) -> str:
    """The commit promotions start from: the deploy branch, fetched for a pull request.

    A pull request starts from the remote's deploy branch; a local promotion from the
    local one (so local commits such as a hold release count).
    """
    if fetch and remote in [r.name for r in repo.remotes]:
        with repo.git.custom_environment(**credentials_env(token)):
            try:
                repo.git.fetch(
                    remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
                )
            except git.GitCommandError as exc:
                raise TargetError(
                    f"cannot fetch {branch} from {remote}: {_last_line(exc)}",
                    hint="check the remote URL and that the token may read it",
                ) from None
    remote_ref, local_ref = f"refs/remotes/{remote}/{branch}", f"refs/heads/{branch}"
    order = (remote_ref, local_ref) if fetch else (local_ref, remote_ref)
    for candidate in (*order, "HEAD"):
        try:
            return repo.commit(candidate).hexsha
        except (git.BadName, ValueError):
            continue
    raise InputError("the repository has no commits yet", hint="commit the GitOps repo")


def commit_file(repo: git.Repo, base: str, path: str, text: str, message: str) -> str:
    """A commit on ``base`` where ``path`` holds ``text``, made beside the work tree."""
    mode = repo.git.ls_tree(base, "--", path).split(" ", 1)[0] or "100644"
    with tempfile.TemporaryDirectory() as scratch:
        index = os.path.join(scratch, "index")
        content = os.path.join(scratch, "content")
        Path(content).write_text(text, encoding="utf-8")
        blob = repo.git.hash_object("-w", content)
        env = {"GIT_INDEX_FILE": index}
        with repo.git.custom_environment(**env):
            repo.git.read_tree(base)
            repo.git.update_index("--add", "--cacheinfo", f"{mode},{blob},{path}")
            tree = repo.git.write_tree()
    date = repo.commit(base).committed_datetime.isoformat()
    with repo.git.custom_environment(**identity_env(repo, date)):
        sha: str = repo.git.commit_tree(tree, "-p", base, "-m", message)
    return sha


def set_branch(repo: git.Repo, branch: str, sha: str) -> None:
    repo.git.update_ref(f"refs/heads/{branch}", sha)


def remote_sha(repo: git.Repo, remote: str, branch: str, token: str | None) -> str:
    with repo.git.custom_environment(**credentials_env(token)):
        out = str(repo.git.ls_remote(remote, f"refs/heads/{branch}"))
    return out.split()[0] if out.strip() else ""


def push_branch(
    repo: git.Repo, remote: str, branch: str, expected: str, token: str | None
) -> None:
    """Force-push ``branch`` only if the remote still holds ``expected`` there."""
    lease = f"refs/heads/{branch}:{expected}"
    with repo.git.custom_environment(**credentials_env(token)):
        try:
            results = repo.remote(remote).push(
                f"refs/heads/{branch}:refs/heads/{branch}", force_with_lease=lease
            )
        except git.GitCommandError as exc:
            raise TargetError(
                f"push of {branch} to {remote} failed: {_last_line(exc)}",
                hint="check that the token may push branches (contents: write)",
            ) from None
    failed = [r for r in results if r.flags & _REJECTED]
    if not results or failed:
        summary = failed[0].summary.strip() if failed else "no result from git"
        raise TargetError(
            f"push of {branch} to {remote} was rejected: {summary}",
            hint="someone else changed the branch or a server rule refused it; "
            "look at the branch, then re-run",
        )


@contextmanager
def worktree(repo: git.Repo, revision: str) -> Iterator[git.Repo]:
    """A throwaway worktree at ``revision``, removed afterwards whatever happens."""
    with tempfile.TemporaryDirectory(prefix="gitops-ml-") as scratch:
        path = os.path.join(scratch, "tree")
        repo.git.worktree("add", "--detach", path, revision)
        try:
            yield git.Repo(path)
        finally:
            repo.git.worktree("remove", "--force", path)


def revert(repo: git.Repo, base: str, target: str, message: str) -> str:
    """The exact inverse of ``target`` on top of ``base``; merges use the mainline."""
    mainline = ["-m", "1"] if len(repo.commit(target).parents) > 1 else []
    with worktree(repo, base) as tree:
        try:
            tree.git.revert("--no-commit", *mainline, target)
        except git.GitCommandError:
            tree.git.revert("--abort")
            raise RevertConflict(target) from None
        date = repo.commit(base).committed_datetime.isoformat()
        with tree.git.custom_environment(**identity_env(repo, date)):
            tree.git.commit("--no-verify", "-q", "-m", message)
        return tree.head.commit.hexsha


class RevertConflict(Exception):
    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def _last_line(exc: git.GitCommandError) -> str:
    text = str(exc.stderr or exc).strip().splitlines()
    return text[-1].strip() if text else "unknown error"
