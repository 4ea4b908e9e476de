"""Stable names derived from model and version."""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^a-z0-9]+")


def deployment_name(model: str, version: str, limit: int = 32) -> str:
    """A name Azure ML accepts, the same for the same model and version every time.

    ``churn-model`` ``1.10`` gives ``churn-model-v1-10``; too long a name is cut and
    given a short hash so two versions never collide.
    """
    base = _UNSAFE.sub("-", f"{model}-v{version}".lower()).strip("-")
    if not base[:1].isalpha():
        base = "m-" + base
    if len(base) <= limit:
        return base
    digest = hashlib.sha256(f"{model}@{version}".encode()).hexdigest()[:6]
    return f"{base[: limit - 7].rstrip('-')}-{digest}"
