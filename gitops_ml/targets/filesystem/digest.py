"""Digests of what is on disk, to compare with what was applied.

Hashing every served file on every plan would cost as much as copying the tree, so
the state records each file's stat fingerprint (size, mtime, ctime, inode) beside its
digest: a file whose fingerprint is unchanged is not read again.  An edit changes the
ctime (which no user call can set back), so a hand edit is still caught.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

# relative path -> (fingerprint, sha256) recorded when the file was installed
StatCache = dict[str, tuple[list[int], str]]


def file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def fingerprint(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _files(folder: Path) -> list[Path]:
    return [path for path in sorted(folder.rglob("*")) if path.is_file()]


def folder_digests(folder: Path, cache: StatCache | None = None) -> dict[str, str]:
    """Relative file path -> SHA-256 for every file below ``folder``.

    A file whose fingerprint matches ``cache`` takes the cached digest unread.
    """
    digests = {}
    for path in _files(folder):
        name = path.relative_to(folder).as_posix()
        known = (cache or {}).get(name)
        if known is not None and known[0] == fingerprint(path.stat()):
            digests[name] = known[1]
        else:
            digests[name] = file_sha256(path)
    return digests


def folder_fingerprints(folder: Path) -> dict[str, list[int]]:
    """Relative file path -> fingerprint, recorded after an install."""
    return {
        path.relative_to(folder).as_posix(): fingerprint(path.stat())
        for path in _files(folder)
    }
