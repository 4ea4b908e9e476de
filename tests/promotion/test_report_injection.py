"""Gate names and lineage come from YAML a pull request may write: in GitHub output
they reach no workflow command and no Markdown structure."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from tests.promotion.promotion_repo import Promote, commit_all

FORGED = "auc\\n::warning::FORGED-gate"


def _live_commands(out: str) -> list[str]:
    """Lines a runner would execute: those outside ::stop-commands:: fences."""
    live, token = [], None
    for line in out.splitlines():
        if token is None and line.startswith("::stop-commands::"):
            token = line.split("::")[2]
        elif token is not None and line == f"::{token}::":
            token = None
        elif token is None and line.startswith("::"):
            live.append(line)
    return live


def test_a_gate_name_cannot_forge_a_workflow_command(
    promote: Promote,
    work: git.Repo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    prod = Path(str(work.working_dir)) / "environments" / "prod.yaml"
    text = prod.read_text().replace(
        '{metric: auc, op: ">=", value: 0.82}',
        f'{{metric: "{FORGED}", op: ">=", value: 0.82}}',
    )
    assert FORGED in text
    prod.write_text(text)
    commit_all(work, "prod: a hostile gate name")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    capsys.readouterr()

    promote("churn-model", "--to", "prod", "--format", "github")

    out = capsys.readouterr().out
    assert "FORGED-gate" in out
    assert not [line for line in _live_commands(out) if "FORGED" in line]
