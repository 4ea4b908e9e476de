"""Roll back the last promotion into an environment: the exact inverse, as a commit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import git

from gitops_ml.errors import InputError
from gitops_ml.promotion import branch as branches
from gitops_ml.promotion import trailers, yamledit
from gitops_ml.promotion.history import PinChange, read_history
from gitops_ml.promotion.promote import model_named
from gitops_ml.spec.repo import RepoSpec
from gitops_ml.workspace import load_revision


@dataclass
class Rollback:
    environment: str
    model: str
    rolled_back: str  # the version taken out
    restored: str  # the version put back
    reverted: str  # the commit undone ("" when rolling back to a revision)
    base: str
    commit: str = ""

    @property
    def branch(self) -> str:
        return f"gitops-ml/rollback/{self.environment}/{self.model}"

    @property
    def title(self) -> str:
        return (
            f"Roll back {self.model} in {self.environment} from {self.rolled_back} "
            f"to {self.restored}"
        )

    def message(self) -> str:
        undo = f"This reverts commit {self.reverted}.\n\n" if self.reverted else ""
        values = [
            (trailers.MODEL, self.model),
            (trailers.VERSION, self.restored),
            (trailers.ROLLED_BACK, self.rolled_back),
            (trailers.TO, self.environment),
        ]
        return f"{self.title}\n\n{undo}{trailers.render(values)}\n"


def roll_back(
    root: Path,
    repo: git.Repo,
    spec: RepoSpec,
    environment: str,
    model: str | None,
    to: str | None = None,
) -> Rollback:
    env = spec.environment(environment)
    if model:
        model_named(spec, model)
    if to:
        return _to_revision(root, repo, spec, environment, model, to)
    change = read_history(root, spec, spec.source.commit_sha).last_promotion(
        environment, model
    )
    if change is None or change.after is None:
        raise InputError(
            f"no promotion into {environment} found in the history of "
            f"{env.document.path}",
            hint="pass --to REV to roll back to the pins of a revision",
        )
    current = {m: v for m, v, _ in env.pins()}.get(change.model)
    if current != change.after:
        raise InputError(
            f"{environment} pins {change.model} {current}, not {change.after} from the "
            f"last promotion {change.commit[:7]}: nothing to roll back",
            hint="pass --to REV to roll back to the pins of a revision",
        )
    result = _from_change(change, spec.source.commit_sha)
    try:
        result.commit = branches.revert(
            repo, result.base, change.commit, result.message()
        )
    except branches.RevertConflict:
        raise _conflict(repo, change, result.base, env.document.path) from None
    return result


def _from_change(change: PinChange, base: str) -> Rollback:
    return Rollback(
        change.environment,
        change.model,
        rolled_back=change.after or "",
        restored=change.before or "",
        reverted=change.commit,
        base=base,
    )


def _conflict(repo: git.Repo, change: PinChange, base: str, path: str) -> InputError:
    later = repo.git.log(
        "--first-parent", "--format=%h %s", f"{change.commit}..{base}", "--", path
    ).splitlines()
    named = "; ".join(later) or "none found"
    return InputError(
        f"cannot revert {change.commit[:7]} cleanly: later commits changed {path}: "
        f"{named}",
        hint="revert those first, or pass --to REV to roll back to a revision's pins",
    )


def _to_revision(
    root: Path,
    repo: git.Repo,
    spec: RepoSpec,
    environment: str,
    model: str | None,
    to: str,
) -> Rollback:
    env = spec.environment(environment)
    wanted = _pins_at(root, spec, environment, model, to)
    current = {m: v for m, v, _ in env.pins()}
    models = [m for m in current if (model is None or m == model) and m in wanted]
    moved = [m for m in models if wanted[m] != current[m]]
    if not moved:
        raise InputError(
            f"{environment} pins the same versions as at {to}: nothing to roll back",
            hint=f"pick an earlier revision (gitops-ml history --env {environment})",
        )
    if len(moved) > 1:
        raise InputError(
            f"--to {to} would change {len(moved)} model pins in {environment}: "
            f"{', '.join(moved)}",
            hint="name exactly one model with --model",
        )
    name = moved[0]
    text = spec.source.read(env.document.path).decode("utf-8")
    new_text = yamledit.set_version(text, env, name, wanted[name])
    result = Rollback(
        environment, name, current[name], wanted[name], "", spec.source.commit_sha
    )
    result.commit = branches.commit_file(
        repo, result.base, env.document.path, new_text, result.message()
    )
    return result


def _pins_at(
    root: Path, spec: RepoSpec, environment: str, model: str | None, to: str
) -> dict[str, str]:
    """model -> version the environment pinned at ``to``, or why there is none."""
    old = load_revision(root, to)
    path = spec.environment(environment).document.path
    if environment not in old.environments:
        raise InputError(
            f"no promotion into {environment} found: {path} does not exist at {to}",
            hint=f"pick a revision where it exists (gitops-ml history --env "
            f"{environment})",
        )
    wanted = {m: v for m, v, _ in old.environment(environment).pins()}
    if model and model not in wanted:
        raise InputError(
            f"no promotion into {environment} found: it pinned no version of {model} "
            f"at {to}",
            hint=f"pick a revision where it did (gitops-ml history --env "
            f"{environment} --model {model})",
        )
    return wanted
