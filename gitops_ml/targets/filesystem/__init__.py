"""A model repository folder, laid out as Triton and TF Serving read it:
``<root>/<model>/<integer version>/...``.  One object per model."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import filelock

from gitops_ml.errors import (
    GitopsError,
    InputError,
    LeaseHeld,
    TargetError,
    VersionRejected,
)
from gitops_ml.reconcile.diff import diff
from gitops_ml.reconcile.hashing import spec_hash
from gitops_ml.reconcile.objects import (
    Action,
    DesiredObject,
    FailureRecord,
    ObjectState,
    Observation,
    ObservedObject,
    Plan,
    SiteStatus,
    StepResult,
)
from gitops_ml.spec.source import normalize
from gitops_ml.targets.base import TargetContext
from gitops_ml.targets.filesystem import readiness
from gitops_ml.targets.filesystem.digest import folder_digests, folder_fingerprints
from gitops_ml.targets.filesystem.fetch import fetch
from gitops_ml.targets.filesystem.layout import Layout, version_folders
from gitops_ml.targets.filesystem.observed import (
    actual_spec,
    difference,
    file_changes,
    model_dirs,
)
from gitops_ml.targets.filesystem.state import Record, State, read_state, write_state

log = logging.getLogger("gitops_ml")

# (from, to): a rename done during an install, undone by renaming ``to`` back
Move = tuple[Path, Path]


class FilesystemTarget:
    def __init__(self, context: TargetContext) -> None:
        self.context = context
        target = context.environment.target
        self.layout = Layout((context.root / target["root"]).resolve())
        self.keep_previous = int(target.get("keepPrevious", 1))
        self.ca_bundle: str | None = _resolve(context.root, target.get("caBundle"))
        self.readiness: dict[str, Any] | None = target.get("readiness")
        if self.readiness and self.readiness.get("caBundle"):
            bundle = _resolve(context.root, self.readiness["caBundle"])
            self.readiness = {**self.readiness, "caBundle": bundle}
        self.notes: list[str] = []
        self._artifacts: dict[tuple[str, int], list[dict[str, Any]]] = {}

    # -- desired ---------------------------------------------------------------

    def desired(self) -> list[DesiredObject]:
        spec = self.context.spec
        folders: dict[str, dict[str, Any]] = {}
        versions: dict[str, list[str]] = {}
        for model_name, version, path in self.context.environment.pins():
            model_version = spec.models[model_name].versions[version]
            folder = model_version.folder_version
            assert folder is not None  # validate guarantees it
            files = self._named_files(model_version.artifacts.get("files") or [], path)
            self._artifacts[(model_name, folder)] = files
            folders.setdefault(model_name, {})[str(folder)] = {
                "version": version,
                "files": {f["dest"]: f["sha256"] for f in files},
            }
            versions.setdefault(model_name, []).append(version)
        return [
            DesiredObject(
                "", name, name, ",".join(versions[name]), {"folders": folders[name]}
            )
            for name in folders
        ]

    def _named_files(
        self, files: list[dict[str, Any]], pin: tuple[str | int, ...]
    ) -> list[dict[str, Any]]:
        named = []
        for item in files:
            source = item.get("path") or item.get("url", "")
            dest = normalize(item.get("dest") or source.rsplit("/", 1)[-1])
            if dest is None:
                raise InputError(
                    f"artifact {source}: dest must be a relative path inside the "
                    "version folder",
                    location=self.context.environment.location(pin),
                    hint="fix the dest of that file in the model document",
                )
            named.append({**item, "dest": dest})
        return named

    # -- observe ---------------------------------------------------------------

    def observe(self) -> Observation:
        state = read_state(self.layout.state_file)
        root = self.layout.root
        reachable = root.is_dir() or not root.exists()
        observation = Observation(sites=[SiteStatus("", reachable)])
        on_disk = model_dirs(root)
        for name in sorted(set(state.records) | on_disk):
            observation.objects.append(self._observe_one(name, state.records.get(name)))
        observation.failures = [FailureRecord(**f) for f in state.failures]
        return observation

    def _observe_one(self, name: str, record: Record | None) -> ObservedObject:
        actual = actual_spec(self.layout.root / name, record)
        if record is None:
            return ObservedObject(
                "",
                name,
                name,
                "?",
                None,
                None,
                actual_hash=spec_hash(actual),
                detail="version folders not installed by gitops-ml",
                spec=actual,
            )
        state: ObjectState = "missing" if not actual["folders"] else "ready"
        return ObservedObject(
            "",
            name,
            record.model,
            record.version,
            record.revision,
            record.spec_hash,
            spec_hash(actual),
            state,
            difference(record.spec, actual),
            record.applied_at,
            spec=record.spec,
        )

    # -- plan ------------------------------------------------------------------

    def plan(self, desired: list[DesiredObject], observed: Observation) -> list[Action]:
        actions, self.notes = diff(
            desired, observed, self.context.options, self.context.environment.prune
        )
        for action in actions:
            before = action.observed.spec if action.observed else None
            after = action.desired.spec if action.desired else None
            if action.op == "repair" and action.observed is not None:
                before = self._as_found(action.observed)
            action.changes = file_changes(before, after)
        return actions

    def _as_found(self, observed: ObservedObject) -> dict[str, Any]:
        """What the folder holds now (files re-read), named with recorded versions."""
        found = actual_spec(self.layout.root / observed.name, None)
        recorded = (observed.spec or {}).get("folders", {})
        for folder, entry in found["folders"].items():
            entry["version"] = recorded.get(folder, {}).get("version", "?")
        return found

    # -- apply -----------------------------------------------------------------

    def apply(self, plan: Plan) -> list[StepResult]:
        self._check_same_filesystem()
        self._clean_staging()
        state = read_state(self.layout.state_file)
        return [self._apply_one(action, state) for action in plan.actions]

    def _apply_one(self, action: Action, state: State) -> StepResult:
        """Apply one action; ``state`` is what the state file holds, kept current."""
        try:
            if action.op == "delete":
                strays = self._delete(action.name, state)
                return StepResult(
                    action, True, "moved out of the served tree" + _strays(strays)
                )
            assert action.desired is not None
            strays = self._install(action.desired, state)
        except VersionRejected as exc:
            self._record_failure(state, action.desired, exc.message)
            return _failed(action, exc)
        except GitopsError as exc:
            return _failed(action, exc)
        return StepResult(action, True, "installed" + _strays(strays))

    def _delete(self, name: str, state: State) -> list[Path]:
        moves: list[Move] = []
        with self._undone_on_failure(moves, state, f"cannot remove {name}"):
            strays = self._retire(name, set(), moves, state.records.get(name))
            state.records.pop(name, None)
            write_state(self.layout.state_file, state)
        return strays

    def _install(self, want: DesiredObject, state: State) -> list[Path]:
        staged = self._stage(want)
        moves: list[Move] = []
        keep = {int(folder) for folder in want.spec["folders"]}
        with self._undone_on_failure(moves, state, f"cannot install {want.model}"):
            self._swap(want.model, staged, moves)
            readiness.wait_ready(
                self.readiness, want.model, sorted(staged), self.context.sleep
            )
            strays = self._retire(want.model, keep, moves, state.records.get(want.name))
            self._record(want, state)
            write_state(self.layout.state_file, state)
        return strays

    @contextmanager
    def _undone_on_failure(
        self, moves: list[Move], state: State, what: str
    ) -> Iterator[None]:
        """On any failure, Ctrl-C included, rename ``moves`` back and forget the
        step's record: the served tree keeps what the state file says it holds."""
        saved = state.copy()
        try:
            yield
        except BaseException as exc:
            self._undo(moves)
            state.restore(saved)
            if isinstance(exc, OSError):
                raise _os_error(what, exc) from None
            raise

    def _record(self, want: DesiredObject, state: State) -> None:
        stats = {
            folder: folder_fingerprints(self.layout.served(want.model, folder))
            for folder in want.spec["folders"]
        }
        state.records[want.name] = Record(
            want.model,
            want.version,
            want.spec_hash,
            self.context.revision,
            self.context.clock().isoformat(timespec="seconds"),
            want.spec,
            stats,
        )
        state.failures = [f for f in state.failures if f["name"] != want.name]

    def _stage(self, want: DesiredObject) -> dict[int, Path]:
        """Fetch every folder that is not already served as desired."""
        staged: dict[int, Path] = {}
        for folder_text, wanted in want.spec["folders"].items():
            folder = int(folder_text)
            served = self.layout.served(want.model, folder)
            if served.is_dir() and folder_digests(served) == wanted["files"]:
                continue
            staged[folder] = self._stage_folder(want.model, folder, wanted["files"])
        return staged

    def _stage_folder(self, model: str, folder: int, files: dict[str, str]) -> Path:
        dest = self.layout.staging / f"{model}-{folder}-{uuid.uuid4().hex[:8]}"
        kept = self.layout.previous(model) / str(folder)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            if kept.is_dir() and folder_digests(kept) == files:
                kept.rename(dest)  # the instant rollback: no download
                return dest
            dest.mkdir()
            for artifact in self._artifacts[(model, folder)]:
                fetch(
                    artifact,
                    self.context.spec.source,
                    dest / artifact["dest"],
                    self.ca_bundle,
                )
        except OSError as exc:
            shutil.rmtree(dest, ignore_errors=True)
            raise _os_error(f"cannot stage {model}/{folder}", exc) from None
        except GitopsError:
            shutil.rmtree(dest, ignore_errors=True)
            raise
        return dest

    def _swap(self, model: str, staged: dict[int, Path], moves: list[Move]) -> None:
        """Rename staged folders into place, adding each rename to ``moves``."""
        for folder, path in sorted(staged.items()):
            served = self.layout.served(model, folder)
            served.parent.mkdir(parents=True, exist_ok=True)
            if served.exists():
                aside = self.layout.staging / f"replaced-{uuid.uuid4().hex[:8]}"
                served.rename(aside)
                moves.append((served, aside))
            path.rename(served)
            moves.append((path, served))

    def _undo(self, moves: list[Move]) -> None:
        for source, dest in reversed(moves):
            if dest.exists() and not source.exists():
                dest.rename(source)

    def _retire(
        self, model: str, keep: set[int], moves: list[Move], record: Record | None
    ) -> list[Path]:
        """Move served versions Git no longer wants out of the served tree.

        Versions gitops-ml installed go to ``previous/`` (the newest keepPrevious
        stay, for an instant rollback); folders added by hand are put apart in
        ``stray/`` and never count toward keepPrevious.  Returns the stray paths.
        """
        previous = self.layout.previous(model)
        installed = set((record.spec if record else {}).get("folders", {}))
        strays = []
        for folder, path in sorted(version_folders(self.layout.root / model).items()):
            if folder in keep:
                continue
            if str(folder) in installed:
                target = previous / str(folder)
            else:
                target = self.layout.stray(model, folder, uuid.uuid4().hex[:8])
                strays.append(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            path.rename(target)
            os.utime(target)  # newest first when trimming
            moves.append((path, target))
        self._trim_previous(previous)
        model_dir = self.layout.root / model
        if not keep and model_dir.is_dir() and not any(model_dir.iterdir()):
            model_dir.rmdir()
        return strays

    def _trim_previous(self, previous: Path) -> None:
        if not previous.is_dir():
            return
        kept = sorted(
            previous.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for old in kept[self.keep_previous :]:
            shutil.rmtree(old, ignore_errors=True)

    def _record_failure(
        self, state: State, want: DesiredObject | None, message: str
    ) -> None:
        if want is None:
            return
        try:
            state.failures = [f for f in state.failures if f["name"] != want.name]
            state.failures.append(
                {
                    "site": "",
                    "name": want.name,
                    "spec_hash": want.spec_hash,
                    "revision": self.context.revision,
                    "message": message,
                }
            )
            write_state(self.layout.state_file, state)
        except (OSError, GitopsError) as exc:
            log.warning("could not record the failure of %s: %s", want.name, exc)

    def _check_same_filesystem(self) -> None:
        """Renames into the served tree are atomic only within one filesystem."""
        root = self.layout.root
        if not root.is_dir():
            return
        if root.stat().st_dev != self.layout.home.stat().st_dev:
            raise TargetError(
                f"{root} is a mount point, so gitops-ml cannot stage versions beside "
                "it and rename them in atomically",
                hint="mount the volume one level up and point spec.target.root at a "
                "folder inside it",
            )

    def _clean_staging(self) -> None:
        """Remove leftovers of an interrupted apply; they were never served."""
        shutil.rmtree(self.layout.staging, ignore_errors=True)

    # -- lease -----------------------------------------------------------------

    @contextmanager
    def lease(self) -> Iterator[None]:
        lock = filelock.FileLock(str(self.layout.lock_file))
        try:
            self.layout.home.mkdir(parents=True, exist_ok=True)
            lock.acquire(timeout=self.context.options.lease_wait)
            self._write_holder()
        except filelock.Timeout:
            raise LeaseHeld(
                f"another apply holds {self.layout.root}: {self._holder()}",
                hint="wait for it to finish, then re-run",
            ) from None
        except OSError as exc:
            lock.release()
            raise _os_error(
                f"cannot take the lease on {self.layout.root}", exc
            ) from None
        try:
            yield
        finally:
            self.layout.holder_file.unlink(missing_ok=True)
            lock.release()

    def lease_holder(self) -> str | None:
        """Who holds the lease, when another live process does; else None.

        Asks the kernel (a lock a killed process held is free), then reads the
        holder record for the name."""
        if not self.layout.lock_file.exists():
            return None
        lock = filelock.FileLock(str(self.layout.lock_file))
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            return self._holder()
        except OSError:  # a read-only state folder: nobody can be applying
            return None
        lock.release()
        return None

    def _write_holder(self) -> None:
        self.layout.holder_file.write_text(
            json.dumps(
                {
                    "holder": self.context.holder,
                    "revision": self.context.revision,
                    "since": self.context.clock().isoformat(timespec="seconds"),
                }
            )
        )

    def _holder(self) -> str:
        try:
            info = json.loads(self.layout.holder_file.read_text())
        except (OSError, ValueError):
            return "holder unknown"
        return (
            f"{info['holder']} since {info['since']} (revision {info['revision'][:7]})"
        )


def _strays(paths: list[Path]) -> str:
    if not paths:
        return ""
    where = ", ".join(str(p) for p in paths)
    return f"; version folders not installed by gitops-ml were put apart: {where}"


def _failed(action: Action, exc: GitopsError) -> StepResult:
    return StepResult(action, False, str(exc), True, {"hint": exc.hint})


def _resolve(root: Path, path: str | None) -> str | None:
    return str((root / path).resolve()) if path else None


def _os_error(what: str, exc: OSError) -> TargetError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        hint = "free space on the target, then re-run apply"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = "make the target folder writable, then re-run apply"
    else:
        hint = "fix the target folder, then re-run apply"
    return TargetError(
        f"{what}: {reason}", hint=f"{hint}; the previous version keeps serving"
    )
