"""Stable hashes of specs; secrets enter a hash only as a hash of their own."""

from __future__ import annotations

import hashlib
import json
from typing import Any

REDACTED = "<redacted>"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def spec_hash(spec: dict[str, Any]) -> str:
    """The first 16 hex digits of SHA-256 over the canonical JSON of ``spec``."""
    return hashlib.sha256(canonical(spec).encode("utf-8")).hexdigest()[:16]


def secret_digest(value: str) -> str:
    """What a plan compares and shows for a secret: never the value itself."""
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
