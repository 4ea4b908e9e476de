"""Commit trailers gitops-ml writes and reads: detail on top of what history says."""

from __future__ import annotations

import re

MODEL = "Gitops-Ml-Model"
VERSION = "Gitops-Ml-Version"
FROM = "Gitops-Ml-From"
TO = "Gitops-Ml-To"
PREVIOUS = "Gitops-Ml-Previous"
ROLLED_BACK = "Gitops-Ml-Rolled-Back"
RELEASE = "Gitops-Ml-Release"

_LINE = re.compile(r"^(Gitops-Ml-[A-Za-z-]+):\s*(.+?)\s*$", re.MULTILINE)


def render(values: list[tuple[str, str]]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in values)


def parse_final(message: str) -> dict[str, list[str]]:
    """Trailers of the message's last paragraph only, where git puts trailers."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    return parse(paragraphs[-1]) if paragraphs else {}


def parse(message: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in _LINE.findall(message):
        found.setdefault(key, []).append(value)
    return found
