"""Pick the renderer for ``--format`` and write a result to stdout."""

from __future__ import annotations

import json
import sys
from itertools import groupby
from typing import Any, TextIO

from rich.markup import escape

from gitops_ml.report import github
from gitops_ml.report.console import console
from gitops_ml.spec.findings import Finding
from gitops_ml.validation import ValidationResult


def emit_json(payload: dict[str, Any]) -> None:
    json.dump(payload, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


def validation(
    result: ValidationResult, output_format: str, stream: TextIO | None = None
) -> None:
    """Write ``result`` as text, JSON or GitHub workflow commands (plus the text)."""
    stream = stream or sys.stdout
    if output_format == "json":
        json.dump(result.to_json(), stream, indent=2)
        stream.write("\n")
        return
    if output_format == "github":
        for finding in result.findings:
            stream.write(validation_annotation(finding) + "\n")
        github.append_summary(validation_markdown(result))
    with github.commands_stopped(output_format == "github", stream):
        validation_text(result, stream)


def validation_annotation(finding: Finding) -> str:
    """One ``::error file=..,line=..,col=..::message`` line, escaped."""
    message = finding.message + (f" (next: {finding.hint})" if finding.hint else "")
    return github.annotation(
        finding.severity, message, finding.location, title=f"gitops-ml: {finding.rule}"
    )


def validation_text(result: ValidationResult, stream: TextIO) -> None:
    """Findings grouped by file, then a summary line; colour only on a terminal."""
    out = console(stream)
    for file, items in groupby(result.findings, key=lambda f: f.location.file):
        out.print(f"[bold]{escape(_one_line(file))}[/bold]", markup=True)
        for finding in items:
            line = f"  {finding.location}: {finding.message}"
            out.print(_one_line(line), markup=False)
            if finding.hint:
                out.print(
                    _one_line(f"    next: {finding.hint}"), markup=False, style="dim"
                )
    noun = "file" if len(result.files) == 1 else "files"
    if result.ok:
        out.print(f"[green]ok[/green]: {len(result.files)} {noun} valid", markup=True)
    else:
        out.print(
            f"[red]{len(result.findings)} problem(s)[/red] in {len(result.files)} "
            f"{noun}",
            markup=True,
        )


def _one_line(text: str) -> str:
    """Content quoted from YAML stays on its line (no forged workflow commands) and
    its control characters show as ``\\xNN`` (no terminal escape sequences)."""
    return github.escape_controls(text.replace("\r", "\\r").replace("\n", "\\n"))


def validation_markdown(result: ValidationResult) -> str:
    if result.ok:
        return f"### gitops-ml validate\n\nAll {len(result.files)} files are valid.\n"
    lines = [
        "### gitops-ml validate",
        "",
        f"{len(result.findings)} problem(s) in {len(result.files)} files.",
        "",
        "| Where | Problem |",
        "| --- | --- |",
    ]
    for finding in result.findings:
        lines.append(
            f"| {github.md_escape(str(finding.location))} | "
            f"{github.md_escape(finding.message)} |"
        )
    return "\n".join(lines) + "\n"
