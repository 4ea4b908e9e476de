"""What happened to each pin, read from Git: promotions, rollbacks, releases, holds.

The environment files' history on the deploy branch is the truth (first parent only,
so a merged pull request counts once, at its merge); trailers only add detail. A commit
that moves an environment's pin of a model from V back to an earlier version holds V in
that environment and every environment downstream of it, until a commit carrying
``Gitops-Ml-Release: MODEL@V`` releases it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import git

from gitops_ml.promotion import trailers
from gitops_ml.spec.documents import Environment, Model, build_environment
from gitops_ml.spec.findings import Findings
from gitops_ml.spec.loader import load_document
from gitops_ml.spec.repo import RepoSpec

_SEP, _END = "\x1f", "\x1e"


@dataclass(frozen=True)
class PinChange:
    commit: str
    parents: tuple[str, ...]
    date: str
    subject: str
    environment: str
    model: str
    before: str | None
    after: str | None
    kind: str  # promotion | rollback | added | removed
    trailers: dict[str, list[str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Release:
    commit: str
    date: str
    model: str
    version: str


@dataclass(frozen=True)
class Hold:
    environment: str
    model: str
    version: str
    commit: str  # the commit that moved the pin back
    date: str
    subject: str
    origin: str  # the environment the pin moved back in


@dataclass
class History:
    changes: list[PinChange]
    releases: list[Release]
    holds: list[Hold]

    def hold_for(self, environment: str, model: str, version: str) -> Hold | None:
        for hold in self.holds:
            if (hold.environment, hold.model, hold.version) == (
                environment,
                model,
                version,
            ):
                return hold
        return None

    def last_promotion(self, environment: str, model: str | None) -> PinChange | None:
        """The newest promotion into ``environment`` (of ``model``, if named).

        A pin that was added (or removed) is not a promotion, and nothing before it
        counts: the pin's story starts again there.
        """
        closed: set[str] = set()
        for change in reversed(self.changes):
            if change.environment != environment or change.model in closed:
                continue
            if model and change.model != model:
                continue
            if change.kind == "promotion":
                return change
            if change.kind in ("added", "removed"):
                closed.add(change.model)
        return None


def read_history(root: Path, spec: RepoSpec, revision: str = "HEAD") -> History:
    repo = git.Repo(root, search_parent_directories=True)
    folder = spec.settings.environments_dir
    changes: list[PinChange] = []
    for commit, parents, date, message in _log(repo, revision, ["--", folder]):
        changes += _changes(repo, spec, commit, parents, date, message, folder)
    releases = [
        Release(commit, date, *value.split("@", 1))
        for commit, parents, date, message in _log(
            repo, revision, [f"--grep={trailers.RELEASE}:"]
        )
        if _changes_nothing(repo, commit, parents)
        for value in trailers.parse_final(message).get(trailers.RELEASE, [])
        if "@" in value
    ]
    order = repo.git.rev_list("--first-parent", "--reverse", revision).split()
    position = {sha: index for index, sha in enumerate(order)}
    return History(changes, releases, _holds(spec, changes, releases, position))


def _changes_nothing(repo: git.Repo, commit: str, parents: tuple[str, ...]) -> bool:
    """A release is a commit of its own that changes no file (what `hold release`
    writes): a trailer in the message of a commit that changes files releases nothing,
    so a line pasted into a pull request's description cannot lift a hold."""
    if len(parents) != 1:
        return False
    return bool(repo.commit(commit).tree == repo.commit(parents[0]).tree)


def _log(
    repo: git.Repo, revision: str, extra: list[str]
) -> list[tuple[str, tuple[str, ...], str, str]]:
    out = repo.git.log(
        "--first-parent",
        "--reverse",
        f"--format=%H{_SEP}%P{_SEP}%cI{_SEP}%B{_END}",
        revision,
        *extra,
    )
    entries = []
    for record in out.split(_END):
        if not record.strip():
            continue
        sha, parents, date, message = record.strip("\n").split(_SEP, 3)
        entries.append((sha, tuple(parents.split()), date, message))
    return entries


def _changes(
    repo: git.Repo,
    spec: RepoSpec,
    commit: str,
    parents: tuple[str, ...],
    date: str,
    message: str,
    folder: str,
) -> list[PinChange]:
    parent = parents[0] if parents else None
    names = repo.git.diff_tree(
        "--no-commit-id", "--name-only", "-r", parent or "--root", commit, "--", folder
    ).split()
    found = []
    subject = message.splitlines()[0] if message else ""
    info = trailers.parse(message)
    for path in names:
        before = _pins(repo, spec, parent, path) if parent else {}
        after = _pins(repo, spec, commit, path)
        env = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        for model in sorted(set(before) | set(after)):
            old, new = before.get(model), after.get(model)
            if old == new:
                continue
            kind = _kind(spec.models.get(model), old, new)
            found.append(
                PinChange(
                    commit, parents, date, subject, env, model, old, new, kind, info
                )
            )
    return found


def _pins(repo: git.Repo, spec: RepoSpec, revision: str, path: str) -> dict[str, str]:
    """model -> the newest version pinned in the file at ``revision``."""
    try:
        raw = repo.git.show(f"{revision}:{path}", stdout_as_string=False)
    except git.GitCommandError:
        return {}
    document = load_document(path, raw, Findings())
    if document is None or not isinstance(document.data.get("spec"), dict):
        return {}
    try:
        env: Environment = build_environment(document)
        pins = env.pins()
    except (KeyError, TypeError, AttributeError):
        return {}
    result: dict[str, str] = {}
    for model, version, _ in pins:
        known = result.get(model)
        if known is None or is_earlier(spec.models.get(model), known, version):
            result[model] = version
    return result


def _kind(model: Model | None, old: str | None, new: str | None) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "rollback" if is_earlier(model, new, old) else "promotion"


def is_earlier(model: Model | None, a: str, b: str) -> bool:
    """Whether version ``a`` came before ``b`` (creation time, then file order)."""
    return order_key(model, a) < order_key(model, b)


def order_key(model: Model | None, version: str) -> tuple[int, str, tuple[int, ...]]:
    numbers = tuple(int(p) for p in version.replace("-", ".").split(".") if p.isdigit())
    if model is None or version not in model.versions:
        return (1, "", numbers)
    from gitops_ml.promotion.gates import parse_time

    created = parse_time(str(model.versions[version].created)).isoformat()
    return (0, created, numbers)


def downstream(spec: RepoSpec, environment: str) -> list[str]:
    """``environment`` and every environment that promotes from it, at any distance."""
    found, queue = [environment], [environment]
    while queue:
        current = queue.pop()
        for name, env in sorted(spec.environments.items()):
            if env.upstream == current and name not in found:
                found.append(name)
                queue.append(name)
    return found


def _holds(
    spec: RepoSpec,
    changes: list[PinChange],
    releases: list[Release],
    position: dict[str, int],
) -> list[Hold]:
    events: list[tuple[int, object]] = [(position[c.commit], c) for c in changes]
    events += [(position[r.commit], r) for r in releases]
    active: dict[tuple[str, str, str], Hold] = {}
    for _, event in sorted(events, key=lambda e: e[0]):
        if isinstance(event, Release):
            for key in [k for k in active if k[1:] == (event.model, event.version)]:
                del active[key]
        elif isinstance(event, PinChange) and event.kind == "rollback" and event.before:
            for env in downstream(spec, event.environment):
                key = (env, event.model, event.before)
                active.setdefault(
                    key,
                    Hold(
                        env,
                        event.model,
                        event.before,
                        event.commit,
                        event.date,
                        event.subject,
                        event.environment,
                    ),
                )
    return list(active.values())
