"""Fetch an artifact into a staging folder, verifying its SHA-256 on the way."""

from __future__ import annotations

import hashlib
import urllib.parse
from pathlib import Path
from typing import IO, Any

from gitops_ml.errors import TargetError, TransientError, VersionRejected
from gitops_ml.spec.source import Source

LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
CHUNK = 1024 * 1024


def fetch(
    artifact: dict[str, Any], source: Source, dest: Path, ca_bundle: str | None
) -> None:
    """Write the artifact to ``dest`` and verify its digest; raise on any problem."""
    expected = artifact["sha256"]
    label = artifact.get("path") or artifact.get("url", "")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "wb") as out:
            digest = _copy(artifact, source, out, ca_bundle)
            out.flush()
    except OSError as exc:
        raise TargetError(
            f"cannot write {dest.name} for {label}: {exc.strerror or exc}",
            hint="free space on the target or fix its permissions; nothing was "
            "changed in the served tree",
        ) from None
    if digest != expected:
        head = dest.read_bytes()[: len(LFS_POINTER)]
        if head == LFS_POINTER:
            raise VersionRejected(
                f"{label} is a Git LFS pointer, not the file itself",
                hint="run git lfs pull (or fetch with lfs: true) before apply",
            )
        raise VersionRejected(
            f"{label}: sha256 is {digest}, expected {expected}",
            hint="the file changed; register a new model version with its new "
            "digest instead of editing this one",
        )


def _copy(
    artifact: dict[str, Any], source: Source, out: IO[bytes], ca_bundle: str | None
) -> str:
    hasher = hashlib.sha256()
    if "path" in artifact:
        data = source.read(artifact["path"])
        hasher.update(data)
        out.write(data)
        return hasher.hexdigest()
    url = artifact["url"]
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        return _read_local(urllib.parse.unquote(parsed.path), out, hasher)
    return _download(url, out, hasher, ca_bundle)


def _read_local(path: str, out: IO[bytes], hasher: Any) -> str:
    if not Path(path).is_file():
        raise TargetError(
            f"file://{path}: no such file",
            hint="check that the file exists on this machine and is readable",
        )
    with open(path, "rb") as src:
        return _stream(iter(lambda: src.read(CHUNK), b""), out, hasher)


def _stream(chunks: Any, out: IO[bytes], hasher: Any) -> str:
    for chunk in chunks:
        hasher.update(chunk)
        out.write(chunk)
    return str(hasher.hexdigest())


def _download(url: str, out: IO[bytes], hasher: Any, ca_bundle: str | None) -> str:
    import requests

    try:
        with requests.get(url, stream=True, timeout=30, verify=ca_bundle or True) as r:
            r.raise_for_status()
            return _stream(r.iter_content(CHUNK), out, hasher)
    except requests.exceptions.SSLError as exc:
        raise TargetError(
            f"{url}: TLS verification failed ({_short(exc)})",
            hint="set spec.target.caBundle to the CA that signed the server's "
            "certificate",
        ) from None
    except requests.RequestException as exc:
        raise TransientError(
            f"{url}: download failed ({_short(exc)})",
            hint="check that the URL is reachable from here and re-run apply",
        ) from None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]
