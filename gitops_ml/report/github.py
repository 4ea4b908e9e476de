"""GitHub workflow commands and the job summary, escaped so content cannot inject."""

from __future__ import annotations

import os

from gitops_ml.errors import GitopsError, Location


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's rules for the data part)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(markdown.rstrip("\n") + "\n")
    return True


def md_escape(text: str) -> str:
    """Keep table cells and inline text from being read as Markdown or HTML."""
    for char in "\\`*_{}[]<>|#":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")
