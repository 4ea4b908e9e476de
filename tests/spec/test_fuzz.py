"""Mutated and random input never crashes load or validate."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitops_ml.errors import GitopsError
from gitops_ml.spec.checks import check_repo
from gitops_ml.spec.repo import load_repo
from gitops_ml.spec.source import FolderSource
from tests.conftest import EXAMPLE_PARTS, PROJECT

EXAMPLES = sorted(
    path.relative_to(PROJECT).as_posix()
    for folder in ("models", "environments")
    for path in (PROJECT / folder).glob("*.yaml")
)
TOKENS = [
    b":",
    b"- ",
    b"&a ",
    b"*a",
    b"<<: ",
    b"\t",
    b"---\n",
    b"{",
    b"]",
    b"'",
    b'"',
    b"!x ",
    b"\n  ",
    b"1.10",
    b"no",
    b"~",
    b"%",
    b"\xff",
    b"\x00",
    b"? ",
]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(EXAMPLES))
    raw = (PROJECT / path).read_bytes()
    if draw(st.booleans()):
        return path, draw(st.binary(max_size=400))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(raw)))
        end = min(len(raw), start + draw(st.integers(0, 40)))
        raw = raw[:start] + draw(st.sampled_from([*TOKENS, b""])) + raw[end:]
    return path, raw


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=mutated())
def test_load_and_validate_only_report_findings_naming_a_file(
    tmp_path: Path, case: tuple[str, bytes]
) -> None:
    path, raw = case
    root = tmp_path / "repo"
    shutil.rmtree(root, ignore_errors=True)
    for part in EXAMPLE_PARTS:
        shutil.copytree(PROJECT / part, root / part)
    (root / path).write_bytes(raw)
    try:
        spec = load_repo(FolderSource(root))
        findings = [*spec.findings.items, *check_repo(spec).items]
    except GitopsError as exc:  # the product's own error is an acceptable outcome
        assert str(exc)
        return
    for finding in findings:
        assert finding.location.file
        assert finding.message and "\n" not in finding.rule
