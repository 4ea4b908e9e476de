"""Problems found in the GitOps repo, collected before anything is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field

from gitops_ml.errors import Location

MAX_QUOTED = 60


def clip(text: str, limit: int = MAX_QUOTED) -> str:
    """A value quoted in a message, cut to ``limit`` characters (a 5,000-digit
    number or a pasted blob should not flood the report)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


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

    def add(
        self,
        location: Location,
        rule: str,
        message: str,
        hint: str = "",
        severity: str = "error",
    ) -> None:
        finding = Finding(location, rule, message, hint, severity)
        if finding not in self.items:
            self.items.append(finding)

    def extend(self, other: Findings) -> None:
        for finding in other.items:
            if finding not in self.items:
                self.items.append(finding)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def errors(self) -> list[Finding]:
        """The findings that fail validation (warnings do not)."""
        return [f for f in self.items if f.severity == "error"]

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Finding]:
        return sorted(
            self.items,
            key=lambda f: (f.location.file, f.location.line, f.location.column),
        )
