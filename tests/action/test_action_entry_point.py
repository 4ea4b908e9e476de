"""The Action's entry point: inputs are data, the token masked, outputs framed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gitops_ml import action
from gitops_ml.errors import InputError
from gitops_ml.report import github
from tests.action.tools import PROJECT


def test_args_are_split_like_a_shell_but_nothing_is_expanded() -> None:
    inputs = action.Inputs.from_env(
        {"INPUT_COMMAND": "plan", "INPUT_ARGS": "--ref '$(id)' `whoami` a\\ b"}
    )
    assert inputs.argv("github") == [
        "plan",
        "--ref",
        "$(id)",
        "`whoami`",
        "a b",
        "--format",
        "github",
    ]


def test_environments_become_one_env_flag_each() -> None:
    inputs = action.Inputs.from_env(
        {"INPUT_COMMAND": "apply", "INPUT_ENVIRONMENTS": "dev, staging\nprod"}
    )
    assert inputs.argv("github")[1:7] == [
        "--env",
        "dev",
        "--env",
        "staging",
        "--env",
        "prod",
    ]


@pytest.mark.parametrize(
    ("variables", "complaint"),
    [
        ({"INPUT_COMMAND": "plan; id"}, "unknown command"),
        ({"INPUT_COMMAND": "plan", "INPUT_REPORT": "email"}, "unknown report"),
        ({"INPUT_COMMAND": "plan", "INPUT_ARGS": "'open"}, "cannot split"),
    ],
)
def test_bad_inputs_are_one_clear_error(
    variables: dict[str, str], complaint: str
) -> None:
    with pytest.raises(InputError, match=complaint):
        action.Inputs.from_env(variables)


def test_a_check_run_report_is_refused_for_a_command_that_cannot_publish_one() -> None:
    with pytest.raises(InputError, match="apply cannot publish a check run"):
        action.Inputs.from_env({"INPUT_COMMAND": "apply", "INPUT_REPORT": "check-run"})


def test_validate_refuses_the_environments_input() -> None:
    inputs = action.Inputs.from_env(
        {"INPUT_COMMAND": "validate", "INPUT_ENVIRONMENTS": "dev"}
    )
    with pytest.raises(InputError, match="does not take the environments input"):
        action.check_environments(inputs)


def test_an_output_value_cannot_forge_another_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    github.set_outputs({"changed": "x\nEOF\nconclusion=success"})
    lines = output.read_text().splitlines()
    delimiter = re.fullmatch(r"changed<<(ghadelimiter_[0-9a-f]{32})", lines[0])
    assert delimiter, lines
    assert lines[1:] == ["x", "EOF", "conclusion=success", delimiter.group(1)]


def _run_action(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    for name in ("output", "summary"):
        (tmp_path / name).touch()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "RUNNER_TEMP": str(tmp_path),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    return subprocess.run(
        [sys.executable, "-m", "gitops_ml.action"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_token_is_masked_before_anything_else_is_printed(tmp_path: Path) -> None:
    token = "ghs_TESTtoken1234567890"
    result = _run_action(tmp_path, command="validate", github_token=token)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"::add-mask::{token}"
    assert token not in result.stdout.split("\n", 1)[1] + result.stderr


def test_the_conclusion_follows_the_exit_code(tmp_path: Path) -> None:
    result = _run_action(tmp_path, command="validate", report="none")
    assert result.returncode == 0, result.stderr
    assert "\nsuccess\n" in (tmp_path / "output").read_text()
    assert (tmp_path / "summary").read_text() == ""
