"""Render an import: verdicts for people or JSON, and the environment document."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from gitops_ml.report.console import console
from gitops_ml.report.render import emit_json
from gitops_ml.targets.azureml.importer import ImportResult

HEADER = "# yaml-language-server: $schema=../schemas/environment.schema.json\n"


def to_yaml(document: dict[str, Any]) -> str:
    body = yaml.safe_dump(document, sort_keys=False, default_flow_style=False)
    return HEADER + body


def to_json(result: ImportResult) -> dict[str, Any]:
    return {
        "ok": not result.rejected and result.document is not None,
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                "verdict": f.verdict,
                "reasons": f.reasons,
                "notes": f.notes,
            }
            for f in result.files
        ],
        "models": [vars(need) for need in result.models],
        "notes": result.notes,
        "document": result.document,
    }


def render(result: ImportResult, output_format: str, output: str | None) -> None:
    if output and result.document is not None:
        Path(output).write_text(to_yaml(result.document), encoding="utf-8")
    if output_format == "json":
        emit_json(to_json(result))
        return
    _verdicts(result)
    if not output and result.document is not None:
        sys.stdout.write(to_yaml(result.document))


def _verdicts(result: ImportResult) -> None:
    out = console(sys.stderr)
    colour = {"imported": "green", "skipped": "yellow", "rejected": "red"}
    for item in result.files:
        out.print(
            f"[{colour[item.verdict]}]{item.verdict}[/]: {item.path} ({item.kind})",
            markup=True,
        )
        for reason in item.reasons:
            out.print(f"  {reason}", markup=False)
        for note in item.notes:
            out.print(f"  note: {note}", markup=False, style="dim")
    for need in result.models:
        environment = f", environment {need.environment}" if need.environment else ""
        out.print(
            f"needs: model '{need.model}' version '{need.version}' in a Model "
            f"document, with artifacts.azureml.model {need.asset}{environment}",
            markup=False,
        )
    for note in result.notes:
        out.print(f"note: {note}", markup=False)
