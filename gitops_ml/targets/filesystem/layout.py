"""Where things live: the served tree, and the state folder beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    """``root`` is served; ``home`` (a sibling) holds state, lock, staging, previous.

    Keeping ``home`` beside ``root`` keeps both on one filesystem, so every move into
    the served tree is a rename: a server never sees half a version.
    """

    root: Path

    @property
    def home(self) -> Path:
        return self.root.parent / f".{self.root.name}.gitops-ml"

    @property
    def state_file(self) -> Path:
        return self.home / "state.json"

    @property
    def lock_file(self) -> Path:
        return self.home / "apply.lock"

    @property
    def holder_file(self) -> Path:
        return self.home / "apply.holder.json"

    @property
    def staging(self) -> Path:
        return self.home / "staging"

    def served(self, model: str, folder: int | str) -> Path:
        return self.root / model / str(folder)

    def previous(self, model: str) -> Path:
        return self.home / "previous" / model

    def stray(self, model: str, folder: int, tag: str) -> Path:
        """Where a version folder added by hand is put apart when it is moved out."""
        return self.home / "stray" / model / f"{folder}-{tag}"


def version_folders(model_dir: Path) -> dict[int, Path]:
    """The integer version folders a server would load from one model folder."""
    if not model_dir.is_dir():
        return {}
    return {
        int(entry.name): entry
        for entry in model_dir.iterdir()
        if entry.is_dir() and entry.name.isdigit() and not entry.name.startswith("0")
    }
