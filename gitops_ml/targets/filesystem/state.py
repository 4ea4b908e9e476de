"""The state file beside a model repository: what was applied, at which revision.

Written last, atomically (temp file, fsync, rename), so a crash before it leaves the
previous record in place and the next apply converges.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from gitops_ml.errors import TargetError

STATE_VERSION = 1


@dataclass
class Record:
    """One model as applied: its version folders and their files' digests."""

    model: str
    version: str
    spec_hash: str
    revision: str
    applied_at: str
    spec: dict[str, Any]
    # folder -> relative path -> stat fingerprint, so in-sync files are not re-read
    stats: dict[str, dict[str, list[int]]] = field(default_factory=dict)


@dataclass
class State:
    records: dict[str, Record] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)

    def copy(self) -> State:
        """A copy to restore when a step fails (records are replaced, not edited)."""
        return State(dict(self.records), list(self.failures))

    def restore(self, saved: State) -> None:
        self.records, self.failures = dict(saved.records), list(saved.failures)

    def to_json(self) -> dict[str, Any]:
        return {
            "stateVersion": STATE_VERSION,
            "records": {name: vars(r) for name, r in sorted(self.records.items())},
            "failures": self.failures,
        }


_TEXT = {"type": "string"}
_FAILURE = {
    "type": "object",
    "required": ["site", "name", "spec_hash", "revision", "message"],
    "additionalProperties": False,
    "properties": {
        k: _TEXT for k in ("site", "name", "spec_hash", "revision", "message")
    },
}
_RECORD = {
    "type": "object",
    "required": ["model", "version", "spec_hash", "revision", "applied_at", "spec"],
    "additionalProperties": False,
    "properties": {
        **{k: _TEXT for k in ("model", "version", "spec_hash", "revision")},
        "applied_at": _TEXT,
        "spec": {
            "type": "object",
            "required": ["folders"],
            "properties": {"folders": {"type": "object"}},
        },
        "stats": {"type": "object"},
    },
}
# the shape this version writes; a file of another shape was not written by it
SHAPE = {
    "type": "object",
    "required": ["stateVersion", "records", "failures"],
    "properties": {
        "stateVersion": {"type": "integer"},
        "records": {"type": "object", "additionalProperties": _RECORD},
        "failures": {"type": "array", "items": _FAILURE},
    },
}


def read_state(path: Path) -> State:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return State()
    except (OSError, ValueError) as exc:
        raise TargetError(
            f"{path}: the state file cannot be read ({exc})",
            hint="restore it from a backup or delete it to re-apply everything",
        ) from None
    _check_shape(path, raw)
    records = {name: Record(**value) for name, value in raw["records"].items()}
    return State(records, list(raw["failures"]))


def _check_shape(path: Path, raw: Any) -> None:
    version = raw.get("stateVersion") if isinstance(raw, dict) else None
    if isinstance(version, int) and version > STATE_VERSION:
        raise TargetError(
            f"{path}: the state file was written by a newer gitops-ml "
            f"(stateVersion {version}; this one reads {STATE_VERSION})",
            hint="upgrade gitops-ml to work on this environment",
        )
    problem = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(SHAPE).iter_errors(raw)
    )
    if problem is None and version == STATE_VERSION:
        return
    where = "/".join(str(p) for p in problem.absolute_path) if problem else ""
    detail = (
        f"{where or 'top level'}: {problem.message}"
        if problem
        else (f"unknown stateVersion {version!r}")
    )
    raise TargetError(
        f"{path}: the state file is not one gitops-ml wrote ({detail})",
        hint="restore it from a backup, or move it away to re-apply everything "
        "(apply then treats the served versions as not installed by gitops-ml)",
    )


def write_state(path: Path, state: State) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".state-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            # one line: the C encoder is many times faster than an indented dump,
            # which matters because apply writes the state after every object
            out.write(json.dumps(state.to_json(), sort_keys=True) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
