"""The result of validating a GitOps repo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitops_ml.spec.findings import Finding


@dataclass
class ValidationResult:
    files: list[str]
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        """Findings that fail validation; warnings do not."""
        return [f for f in self.findings if f.severity == "error"]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files": len(self.files),
            "errors": len(self.errors),
            "findings": [
                {
                    "file": f.location.file,
                    "line": f.location.line,
                    "column": f.location.column,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                    "hint": f.hint,
                }
                for f in self.findings
            ],
        }
