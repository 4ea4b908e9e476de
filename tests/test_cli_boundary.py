"""The one error boundary: known errors exit 1, Ctrl-C 130, bugs 3 with a report."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from gitops_ml import cli
from gitops_ml.commands import validate


def test_a_bug_exits_3_with_a_crash_report_and_no_traceback_on_screen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(validate, "run", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert cli.main(["validate", "--repo", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    report = Path(re.search(r"crash report is in (\S+);", err).group(1))  # type: ignore[union-attr]
    assert "ZeroDivisionError" in report.read_text()


def test_ctrl_c_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate, "run", interrupted)
    assert cli.main(["validate", "--repo", str(tmp_path)]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_an_unknown_environment_is_one_line_with_the_next_step(
    example_repo,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    code = cli.main(["plan", "--env", "nope", "--repo", str(example_repo.path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "environment 'nope' does not exist" in err
    assert "next:" in err
    assert "Traceback" not in err


def test_a_missing_revision_is_an_input_error(
    example_repo,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    code = cli.main(["plan", "--ref", "deadbeef", "--repo", str(example_repo.path)])
    assert code == 1
    assert "revision 'deadbeef' does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["validate", "--no-such-flag"], ["nope"], [], ["validate", "--format=x"]]
)
def test_usage_errors_exit_1_not_2_which_means_changes(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 1
    assert "usage:" in capsys.readouterr().err


def test_help_still_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["validate", "--help"])
    assert stopped.value.code == 0
    assert "--base" in capsys.readouterr().out


def test_a_closed_output_pipe_is_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def reader_gone(args: argparse.Namespace) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(validate, "run", reader_gone)
    monkeypatch.setattr(cli, "_silence_stdout", lambda: None)
    assert cli.main(["validate", "--repo", str(tmp_path)]) == 1
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize("command", ["validate", "plan", "status"])
def test_commands_without_check_runs_never_import_the_github_client(
    example_repo,
    command: str,  # type: ignore[no-untyped-def]
) -> None:
    import subprocess
    import sys

    scope = [] if command == "validate" else ["--env", "local"]
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gitops_ml", command, *scope],
        cwd=example_repo.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-500:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "gitops_ml.cli" in imported
    assert not [
        name for name in imported if name == "github" or name.startswith("github.")
    ]
