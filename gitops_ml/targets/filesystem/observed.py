"""Read a model repository as it is, and say how it differs from what was applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitops_ml.reconcile.objects import Change
from gitops_ml.targets.filesystem.digest import StatCache, folder_digests
from gitops_ml.targets.filesystem.layout import version_folders
from gitops_ml.targets.filesystem.state import Record


def model_dirs(root: Path) -> set[str]:
    """Model folders holding at least one version folder a server would load."""
    if not root.is_dir():
        return set()
    return {
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and version_folders(entry)
    }


def actual_spec(model_dir: Path, record: Record | None) -> dict[str, Any]:
    """The spec the folder holds now, shaped like a desired spec.

    Files whose stat fingerprint matches the record are not re-read.
    """
    recorded = (record.spec if record else {}).get("folders", {})
    folders = {}
    for folder, path in sorted(version_folders(model_dir).items()):
        entry = recorded.get(str(folder), {})
        cache = _cache(entry.get("files", {}), record, str(folder))
        folders[str(folder)] = {
            "version": entry.get("version", "?"),
            "files": folder_digests(path, cache),
        }
    return {"folders": folders}


def _cache(files: dict[str, str], record: Record | None, folder: str) -> StatCache:
    stats = (record.stats if record else {}).get(folder, {})
    return {
        name: (stats[name], digest) for name, digest in files.items() if name in stats
    }


def difference(recorded: dict[str, Any], actual: dict[str, Any]) -> str:
    """One line naming what differs, for drift reports."""
    want, have = recorded.get("folders", {}), actual.get("folders", {})
    problems = []
    for folder in sorted(set(want) | set(have), key=int):
        if folder not in have:
            problems.append(f"folder {folder} is missing")
        elif folder not in want:
            problems.append(f"folder {folder} was added by hand")
        elif have[folder]["files"] != want[folder]["files"]:
            problems.append(_files_difference(folder, want, have))
    return "; ".join(problems)


def _files_difference(folder: str, want: dict[str, Any], have: dict[str, Any]) -> str:
    wanted, held = want[folder]["files"], have[folder]["files"]
    words = []
    for name in sorted(set(wanted) | set(held)):
        if name not in held:
            words.append(f"{folder}/{name} deleted")
        elif name not in wanted:
            words.append(f"{folder}/{name} added")
        elif wanted[name] != held[name]:
            words.append(f"{folder}/{name} changed")
    return ", ".join(words)


def file_changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[Change]:
    """Plan lines per version folder and file: ``10/model.json: sha256:... -> ...``."""
    old = (before or {}).get("folders", {})
    new = (after or {}).get("folders", {})
    changes = []
    for folder in sorted(set(old) | set(new), key=int):
        was, will = old.get(folder), new.get(folder)
        if was is not None and will is not None and was == will:
            continue
        if (was or {}).get("version") != (will or {}).get("version"):
            changes.append(Change(f"{folder}/", _version(was), _version(will)))
        changes += _folder_file_changes(folder, was, will)
    return changes


def _version(entry: dict[str, Any] | None) -> str | None:
    return f"version {entry['version']}" if entry else None


def _folder_file_changes(
    folder: str, was: dict[str, Any] | None, will: dict[str, Any] | None
) -> list[Change]:
    old, new = (was or {}).get("files", {}), (will or {}).get("files", {})
    return [
        Change(f"{folder}/{name}", _digest(old.get(name)), _digest(new.get(name)))
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


def _digest(value: str | None) -> str | None:
    return f"sha256:{value}" if value else None
