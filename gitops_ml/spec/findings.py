"""Problems found in the GitOps repo, collected before anything is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field

from gitops_ml.errors import Location


@dataclass(frozen=True)
class Finding:
    """One problem at one place: ``rule`` is a stable word tests and tools can match."""

    location: Location
    rule: str
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class Findings:
    """An ordered collection of findings, de-duplicated by place and message."""

    items: list[Finding] = field(default_factory=list)

    def add(self, location: Location, rule: str, message: str, hint: str = "") -> None:
        finding = Finding(location, rule, message, hint)
        if finding not in self.items:
            self.items.append(finding)

    def extend(self, other: Findings) -> None:
        for finding in other.items:
            if finding not in self.items:
                self.items.append(finding)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Finding]:
        return sorted(
            self.items,
            key=lambda f: (f.location.file, f.location.line, f.location.column),
        )
