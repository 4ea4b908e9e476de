"""Where the GitOps repo's files come from: a working folder or a Git revision."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gitops_ml.errors import InputError

YAML_SUFFIXES = (".yaml", ".yml")


def is_yaml(path: str) -> bool:
    """True for a .yaml or .yml file name, in any letter case."""
    return path.lower().endswith(YAML_SUFFIXES)


class Source(Protocol):
    """Read-only access to the files of one GitOps repo tree."""

    label: str

    @property
    def commit_sha(self) -> str:
        """The commit SHA the files come from ("" for a work tree)."""
        ...

    def list_yaml(self, folder: str) -> list[str]: ...

    def nested_yaml(self, folder: str) -> list[str]:
        """YAML files in sub-folders of ``folder`` (which are not read)."""
        ...

    def read(self, path: str) -> bytes: ...

    def exists(self, path: str) -> bool: ...

    def is_symlink(self, path: str) -> bool: ...

    def is_folder(self, path: str) -> bool: ...


def normalize(path: str) -> str | None:
    """A repo-relative POSIX path, or None when it is absolute or escapes the repo."""
    if not path or path.startswith(("/", "\\")) or ":" in path.split("/")[0]:
        return None
    clean = posixpath.normpath(path.replace("\\", "/"))
    if clean == ".." or clean.startswith("../"):
        return None
    return clean


@dataclass
class FolderSource:
    """The files on disk under ``root`` (what ``validate`` checks before a commit)."""

    root: Path
    label: str = "working tree"

    @property
    def commit_sha(self) -> str:
        return ""

    def list_yaml(self, folder: str) -> list[str]:
        base = self.root / folder
        if not base.is_dir():
            return []
        return sorted(
            f"{folder}/{entry.name}"
            for entry in base.iterdir()
            if is_yaml(entry.name) and entry.is_file()
        )

    def nested_yaml(self, folder: str) -> list[str]:
        base = self.root / folder
        if not base.is_dir():
            return []
        return sorted(
            path.relative_to(self.root).as_posix()
            for path in base.glob("*/**/*")
            if is_yaml(path.name) and path.is_file()
        )

    def read(self, path: str) -> bytes:
        try:
            return (self.root / path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None

    def exists(self, path: str) -> bool:
        return (self.root / path).exists()

    def is_folder(self, path: str) -> bool:
        return (self.root / path).is_dir()

    def is_symlink(self, path: str) -> bool:
        """True when the path, or a folder on the way, is a symlink out of the repo."""
        real = os.path.realpath(self.root / path)
        root = os.path.realpath(self.root)
        return not (real == root or real.startswith(root + os.sep))


@dataclass
class GitSource:
    """The files of one commit, read from Git's object store, never the work tree."""

    root: Path
    revision: str
    label: str = ""
    _blobs: dict[str, object] = field(default_factory=dict, repr=False)
    _links: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        from gitops_ml import gitrepo

        self.repo = gitrepo.open_repo(self.root)
        self.commit = gitrepo.resolve(self.repo, self.revision)
        self.label = self.commit.hexsha[:7]
        for item in self.commit.tree.traverse():
            if item.type == "blob":  # type: ignore[union-attr]
                path = str(item.path)  # type: ignore[union-attr]
                self._blobs[path] = item
                if item.mode == 0o120000:  # type: ignore[union-attr]
                    self._links.add(path)

    @property
    def commit_sha(self) -> str:
        return str(self.commit.hexsha)

    def list_yaml(self, folder: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return sorted(
            path
            for path in self._blobs
            if path.startswith(prefix)
            and "/" not in path[len(prefix) :]
            and is_yaml(path)
        )

    def nested_yaml(self, folder: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return sorted(
            path
            for path in self._blobs
            if path.startswith(prefix) and "/" in path[len(prefix) :] and is_yaml(path)
        )

    def read(self, path: str) -> bytes:
        blob = self._blobs.get(path)
        if blob is None:
            raise InputError(f"{path}: not in revision {self.label}")
        data: bytes = blob.data_stream.read()  # type: ignore[attr-defined]
        return data

    def exists(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return path in self._blobs or any(p.startswith(prefix) for p in self._blobs)

    def is_folder(self, path: str) -> bool:
        return path not in self._blobs and self.exists(path)

    def is_symlink(self, path: str) -> bool:
        parts = path.split("/")
        return any("/".join(parts[: i + 1]) in self._links for i in range(len(parts)))
