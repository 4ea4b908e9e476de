"""GitHub workflow commands and the job summary, escaped so content cannot inject."""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from gitops_ml.errors import GitopsError, Location

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """Control characters (C0, DEL, C1) as visible ``\\xNN``: a terminal or a log
    never acts on them.  Callers that spell CR and LF their own way do so first."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's rules for the data part)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape_controls(text)


def escape_property(text: str) -> str:
    """Escape a workflow command property value (file=..., title=...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: str, message: str, location: Location | None = None, title: str = ""
) -> str:
    props: list[str] = []
    if location is not None:
        props.append(f"file={escape_property(location.file)}")
        if location.line:
            props.append(f"line={location.line}")
            props.append(f"col={location.column or 1}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}"


def error_command(exc: GitopsError) -> str:
    message = exc.message + (f" (next: {exc.hint})" if exc.hint else "")
    return annotation("error", message, exc.location)


def append_summary(markdown: str) -> bool:
    """Append to the job summary when running in GitHub Actions; True if written."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    return _append(path, markdown.rstrip("\n") + "\n", "the job summary")


def _append(path: str, text: str, what: str) -> bool:
    """Append ``text`` to a file the runner gave; a warning, not a failure, when it
    cannot be written (the command's own result matters more)."""
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(
            f"warning: cannot write {what} to {escape_controls(path)}: {reason}",
            file=sys.stderr,
        )
        return False
    return True


def md_escape(text: str) -> str:
    """Keep table cells and inline text from being read as Markdown or HTML."""
    for char in "\\`*_{}[]<>|#":
        text = text.replace(char, "\\" + char)
    return escape_controls(text.replace("\r", " ").replace("\n", " "))


def set_outputs(outputs: dict[str, str]) -> bool:
    """Write step outputs when running in GitHub Actions; True if written.

    Each value is framed by a random delimiter, so no value can end its block early
    and forge another output.
    """
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return False
    blocks = []
    for name, value in outputs.items():
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        blocks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return _append(path, "".join(blocks), "the step outputs")


def write_json_file(stem: str, payload: dict[str, Any]) -> Path:
    """Save ``payload`` under the runner's temp folder for later steps to read."""
    folder = Path(os.environ.get("RUNNER_TEMP") or tempfile.gettempdir()) / "gitops-ml"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}-{secrets.token_hex(4)}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


def publish_json(stem: str, payload: dict[str, Any], **outputs: str) -> None:
    """In GitHub Actions: ``payload`` as a file named by the ``plan-json`` output."""
    if not os.environ.get("GITHUB_OUTPUT"):
        return
    path = write_json_file(stem, payload)
    set_outputs(
        {"plan-json": str(path), **{k.replace("_", "-"): v for k, v in outputs.items()}}
    )


@contextmanager
def commands_stopped(
    active: bool = True, stream: TextIO | None = None
) -> Iterator[None]:
    """Print what the block prints as plain text: no line of it runs as a command.

    Text output repeats values from YAML a pull request may have written; between
    ``::stop-commands::TOKEN`` and ``::TOKEN::`` the runner reads no workflow commands.
    """
    if not active:
        yield
        return
    out = stream or sys.stdout
    token = secrets.token_hex(16)
    print(f"::stop-commands::{token}", file=out, flush=True)
    try:
        yield
    finally:
        out.flush()
        print(f"::{token}::", file=out, flush=True)
