"""Pick the renderer for ``--format`` and write a result to stdout."""

from __future__ import annotations

import json
import sys
from itertools import groupby
from typing import Any

from gitops_ml.report import github
from gitops_ml.report.console import console
from gitops_ml.validation import ValidationResult


def emit_json(payload: dict[str, Any]) -> None:
    json.dump(payload, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


def validation(result: ValidationResult, output_format: str) -> None:
    if output_format == "json":
        emit_json(result.to_json())
        return
    if output_format == "github":
        for finding in result.findings:
            message = finding.message + (f" ({finding.hint})" if finding.hint else "")
            print(
                github.annotation(
                    "error",
                    message,
                    finding.location,
                    title=f"gitops-ml: {finding.rule}",
                )
            )
        github.append_summary(validation_markdown(result))
    with github.commands_stopped(output_format == "github"):
        _validation_text(result)


def _validation_text(result: ValidationResult) -> None:
    out = console()
    for file, items in groupby(result.findings, key=lambda f: f.location.file):
        out.print(f"[bold]{file}[/bold]", markup=True)
        for finding in items:
            out.print(f"  {finding.location}: {finding.message}", markup=False)
            if finding.hint:
                out.print(f"    next: {finding.hint}", markup=False, style="dim")
    noun = "file" if len(result.files) == 1 else "files"
    if result.ok:
        out.print(f"[green]ok[/green]: {len(result.files)} {noun} valid", markup=True)
    else:
        out.print(
            f"[red]{len(result.findings)} problem(s)[/red] in {len(result.files)} "
            f"{noun}",
            markup=True,
        )


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
