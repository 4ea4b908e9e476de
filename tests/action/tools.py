"""Where the Action's checks find their tools, and how a missing one is handled."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
WORKFLOW_DIRS = (PROJECT / ".github" / "workflows", PROJECT / "examples" / "workflows")


def workflows() -> list[Path]:
    return sorted(p for d in WORKFLOW_DIRS for p in d.glob("*.yml"))


def example_workflows() -> list[Path]:
    return sorted((PROJECT / "examples" / "workflows").glob("*.yml"))


def tool(name: str, why: str) -> str:
    """The path of a command-line tool; skip without it (fail under CI=true)."""
    found = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if found:
        return found
    message = f"{name} is not installed ({why})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
