"""A model repository folder, laid out as Triton and TF Serving read it:
``<root>/<model>/<integer version>/...``.  One object per model."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import filelock

from gitops_ml.errors import LeaseHeld, TargetError
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
from gitops_ml.targets.base import TargetContext
from gitops_ml.targets.filesystem import readiness
from gitops_ml.targets.filesystem.digest import folder_digests
from gitops_ml.targets.filesystem.fetch import fetch
from gitops_ml.targets.filesystem.layout import Layout, version_folders
from gitops_ml.targets.filesystem.state import Record, State, read_state, write_state


class FilesystemTarget:
    def __init__(self, context: TargetContext) -> None:
        self.context = context
        target = context.environment.target
        self.layout = Layout((context.root / target["root"]).resolve())
        self.keep_previous = int(target.get("keepPrevious", 1))
        self.ca_bundle: str | None = target.get("caBundle")
        self.readiness: dict[str, Any] | None = target.get("readiness")
        self.notes: list[str] = []
        self._artifacts: dict[tuple[str, int], list[dict[str, Any]]] = {}

    # -- desired ---------------------------------------------------------------

    def desired(self) -> list[DesiredObject]:
        spec = self.context.spec
        folders: dict[str, dict[str, Any]] = {}
        versions: dict[str, list[str]] = {}
        for model_name, version, _path in self.context.environment.pins():
            model_version = spec.models[model_name].versions[version]
            folder = model_version.folder_version
            assert folder is not None  # validate guarantees it
            files = _named_files(model_version.artifacts.get("files") or [])
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

    # -- observe ---------------------------------------------------------------

    def observe(self) -> Observation:
        state = read_state(self.layout.state_file)
        observation = Observation(sites=[SiteStatus("", self.layout.root.is_dir())])
        on_disk = _model_dirs(self.layout.root)
        for name in sorted(set(state.records) | set(on_disk)):
            observation.objects.append(self._observe_one(name, state.records.get(name)))
        observation.failures = [FailureRecord(**f) for f in state.failures]
        return observation

    def _observe_one(self, name: str, record: Record | None) -> ObservedObject:
        actual = _actual_spec(self.layout.root / name, record)
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
        detail = _difference(record.spec, actual)
        return ObservedObject(
            "",
            name,
            record.model,
            record.version,
            record.revision,
            record.spec_hash,
            spec_hash(actual),
            state,
            detail,
            record.applied_at,
            spec=record.spec,
        )

    # -- plan ------------------------------------------------------------------

    def plan(self, desired: list[DesiredObject], observed: Observation) -> list[Action]:
        actions, self.notes = diff(
            desired, observed, self.context.options, self.context.environment.prune
        )
        return actions

    # -- apply -----------------------------------------------------------------

    def apply(self, plan: Plan) -> list[StepResult]:
        self._clean_staging()
        results = []
        for action in plan.actions:
            results.append(self._apply_one(action))
        return results

    def _apply_one(self, action: Action) -> StepResult:
        state = read_state(self.layout.state_file)
        if action.op == "delete":
            self._retire(action.name, set(), state)
            state.records.pop(action.name, None)
            write_state(self.layout.state_file, state)
            return StepResult(action, True, "removed from the served tree")
        assert action.desired is not None
        try:
            self._install(action.desired, state)
        except TargetError as exc:
            self._record_failure(state, action.desired, exc.message)
            return StepResult(action, False, str(exc), rolled_back=True)
        return StepResult(action, True, "installed")

    def _install(self, want: DesiredObject, state: State) -> None:
        staged = self._stage(want)
        swapped = self._swap(want.model, staged)
        keep = {int(folder) for folder in want.spec["folders"]}
        try:
            readiness.wait_ready(self.readiness, want.model, sorted(staged))
        except TargetError:
            self._undo(want.model, swapped)
            raise
        self._retire(want.model, keep, state)
        state.records[want.name] = Record(
            want.model,
            want.version,
            want.spec_hash,
            self.context.revision,
            self.context.clock().isoformat(timespec="seconds"),
            want.spec,
        )
        state.failures = [f for f in state.failures if f["name"] != want.name]
        write_state(self.layout.state_file, state)

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
            raise TargetError(
                f"cannot stage {model}/{folder}: {exc.strerror or exc}",
                hint="free space on the target or fix its permissions; the served "
                "tree was not changed",
            ) from None
        except TargetError:
            shutil.rmtree(dest, ignore_errors=True)
            raise
        return dest

    def _swap(self, model: str, staged: dict[int, Path]) -> list[tuple[Path, Path]]:
        """Rename staged folders into place; return the moves, for an undo."""
        moves: list[tuple[Path, Path]] = []
        try:
            for folder, path in sorted(staged.items()):
                served = self.layout.served(model, folder)
                served.parent.mkdir(parents=True, exist_ok=True)
                if served.exists():
                    aside = self.layout.staging / f"replaced-{uuid.uuid4().hex[:8]}"
                    served.rename(aside)
                    moves.append((served, aside))
                path.rename(served)
                moves.append((path, served))
        except OSError as exc:
            self._undo(model, moves)
            raise TargetError(
                f"cannot install {model}: {exc.strerror or exc}",
                hint="fix the target folder's permissions or space and re-run apply",
            ) from None
        return moves

    def _undo(self, model: str, moves: list[tuple[Path, Path]]) -> None:
        for source, dest in reversed(moves):
            if dest.exists() and not source.exists():
                dest.rename(source)

    def _retire(self, model: str, keep: set[int], state: State) -> None:
        """Move served versions Git no longer wants out of the served tree."""
        previous = self.layout.previous(model)
        for folder, path in sorted(version_folders(self.layout.root / model).items()):
            if folder in keep:
                continue
            previous.mkdir(parents=True, exist_ok=True)
            target = previous / str(folder)
            if target.exists():
                shutil.rmtree(target)
            path.rename(target)
        self._trim_previous(previous)
        model_dir = self.layout.root / model
        if not keep and model_dir.is_dir() and not any(model_dir.iterdir()):
            model_dir.rmdir()

    def _trim_previous(self, previous: Path) -> None:
        if not previous.is_dir():
            return
        kept = sorted(previous.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[self.keep_previous :]:
            shutil.rmtree(old, ignore_errors=True)

    def _record_failure(self, state: State, want: DesiredObject, message: str) -> None:
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

    def _clean_staging(self) -> None:
        """Remove leftovers of an interrupted apply; they were never served."""
        shutil.rmtree(self.layout.staging, ignore_errors=True)

    # -- lease -----------------------------------------------------------------

    @contextmanager
    def lease(self) -> Iterator[None]:
        self.layout.home.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.layout.lock_file))
        try:
            lock.acquire(timeout=self.context.options.lease_wait)
        except filelock.Timeout:
            raise LeaseHeld(
                f"another apply holds {self.layout.root}: {self._holder()}",
                hint="wait for it to finish, then re-run",
            ) from None
        try:
            self.layout.holder_file.write_text(
                json.dumps(
                    {
                        "holder": self.context.holder,
                        "revision": self.context.revision,
                        "since": self.context.clock().isoformat(timespec="seconds"),
                    }
                )
            )
            yield
        finally:
            self.layout.holder_file.unlink(missing_ok=True)
            lock.release()

    def _holder(self) -> str:
        try:
            info = json.loads(self.layout.holder_file.read_text())
        except (OSError, ValueError):
            return "holder unknown"
        return (
            f"{info['holder']} since {info['since']} (revision {info['revision'][:7]})"
        )


def _named_files(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    named = []
    for item in files:
        source = item.get("path") or item.get("url", "")
        named.append({**item, "dest": item.get("dest") or source.rsplit("/", 1)[-1]})
    return named


def _model_dirs(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    return {
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and version_folders(entry)
    }


def _actual_spec(model_dir: Path, record: Record | None) -> dict[str, Any]:
    recorded = (record.spec if record else {}).get("folders", {})
    folders = {}
    for folder, path in sorted(version_folders(model_dir).items()):
        version = recorded.get(str(folder), {}).get("version", "?")
        folders[str(folder)] = {"version": version, "files": folder_digests(path)}
    return {"folders": folders}


def _difference(recorded: dict[str, Any], actual: dict[str, Any]) -> str:
    want, have = recorded.get("folders", {}), actual.get("folders", {})
    problems = []
    for folder in sorted(set(want) | set(have), key=int):
        if folder not in have:
            problems.append(f"folder {folder} is missing")
        elif folder not in want:
            problems.append(f"folder {folder} was added by hand")
        elif have[folder]["files"] != want[folder]["files"]:
            changed = sorted(
                name
                for name in set(want[folder]["files"]) | set(have[folder]["files"])
                if want[folder]["files"].get(name) != have[folder]["files"].get(name)
            )
            problems.append(f"{folder}/{', '.join(changed)} changed")
    return "; ".join(problems)
