"""Data-driven schema and check tests: every case under cases/ is one test.

A case is a YAML file, or a folder of files laid over the example tree at their
repo-relative paths.  A single file lands where its ``kind`` says (models/ or
environments/, named after the case) unless a ``# place: PATH`` header says otherwise.
Each invalid file states what it must produce in header comments::

    # expect: duplicate-key line 7
    # expect: schema line 9 "quote it"

(rule, line, optionally a text the message must contain and, after ``next``, a text
the hint must contain).  Valid cases must produce
no finding at all; invalid cases exactly the findings they expect in files that expect
something, and none anywhere else.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitops_ml.spec.findings import Finding
from gitops_ml.workspace import load_folder
from tests.conftest import EXAMPLE_PARTS, PROJECT

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(
    rb'^# expect: ([a-z0-9-]+) line (\d+)(?: "([^"]*)")?(?: next "([^"]*)")?\s*$',
    re.M,
)
PLACE = re.compile(rb"^# place: (\S+)\s*$", re.M)
KIND = re.compile(rb"^kind: *(Model|Environment)\s*$", re.M)


@dataclass(frozen=True)
class Expected:
    file: str
    rule: str
    line: int
    text: str | None
    hint: str | None = None


def _case_ids(kind: str) -> list[Path]:
    return sorted((CASES / kind).iterdir())


def _placement(case: Path) -> dict[str, bytes]:
    """Repo-relative path -> content for every file of the case."""
    if case.is_dir():
        return {
            item.relative_to(case).as_posix(): item.read_bytes()
            for item in sorted(case.rglob("*"))
            if item.is_file()
        }
    raw = case.read_bytes()
    place = PLACE.search(raw)
    if place:
        return {place.group(1).decode(): raw}
    kind = KIND.search(raw)
    folder = "models" if kind and kind.group(1) == b"Model" else "environments"
    return {f"{folder}/{case.stem}.yaml": raw}


def _expected(files: dict[str, bytes]) -> set[Expected]:
    return {
        Expected(
            path,
            m[1].decode(),
            int(m[2]),
            m[3].decode() if m[3] else None,
            m[4].decode() if m[4] else None,
        )
        for path, raw in files.items()
        for m in EXPECT.finditer(raw)
    }


def _findings(tmp_path: Path, files: dict[str, bytes]) -> list[Finding]:
    root = tmp_path / "repo"
    root.mkdir()
    for part in EXAMPLE_PARTS:
        shutil.copytree(PROJECT / part, root / part)
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return load_folder(root).findings.sorted()


def _matches(finding: Finding, want: Expected) -> bool:
    return (
        finding.location.file == want.file
        and finding.rule == want.rule
        and finding.location.line == want.line
        and (want.text is None or want.text in finding.message)
        and (want.hint is None or want.hint in finding.hint)
    )


@pytest.mark.parametrize("case", _case_ids("valid"), ids=lambda p: p.name)
def test_valid_case_has_no_findings(case: Path, tmp_path: Path) -> None:
    findings = _findings(tmp_path, _placement(case))
    assert [str(f) for f in findings] == []


@pytest.mark.parametrize("case", _case_ids("invalid"), ids=lambda p: p.name)
def test_invalid_case_gives_exactly_the_findings_it_states(
    case: Path, tmp_path: Path
) -> None:
    files = _placement(case)
    expected = _expected(files)
    assert expected, f"{case.name} states no '# expect: RULE line N' header"
    findings = _findings(tmp_path, files)
    shown = [f"{f} [{f.rule}]" for f in findings]
    for want in expected:
        assert any(_matches(f, want) for f in findings), (want, shown)
    for finding in findings:
        assert any(_matches(finding, want) for want in expected), (
            "unexpected finding",
            shown,
        )
