"""The GitHub Action's entry point: ``INPUT_*`` variables in, one command, outputs out.

action.yml passes every input through the environment, never through the script
text. The ``args`` input is split with :mod:`shlex` (quotes work, nothing is expanded
or run), the token is masked before anything is printed, and results reach later
steps through ``$GITHUB_OUTPUT`` with a random delimiter per value.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from gitops_ml.errors import InputError
from gitops_ml.report import github

COMMANDS = (
    "validate",
    "plan",
    "apply",
    "drift",
    "status",
    "promote",
    "rollback",
    "hold",
    "history",
)
MULTI_ENV_COMMANDS = ("plan", "apply", "drift", "status", "history")
REPORTS = ("check-run", "summary", "none")
CHECK_RUN_COMMANDS = ("validate", "plan", "promote")  # those with --report check-run
# exit code -> check-run style conclusion
CONCLUSIONS = {0: "success", 75: "neutral", 130: "cancelled"}


@dataclass(frozen=True)
class Inputs:
    command: str
    environments: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    token: str = ""
    report: str = "summary"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        command = env.get("INPUT_COMMAND", "").strip()
        if command not in COMMANDS:
            raise InputError(
                f"unknown command {command!r}",
                hint=f"set the command input to one of: {', '.join(COMMANDS)}",
            )
        report = env.get("INPUT_REPORT", "").strip() or "summary"
        if report not in REPORTS:
            raise InputError(
                f"unknown report {report!r}",
                hint=f"set the report input to one of: {', '.join(REPORTS)}",
            )
        if report == "check-run" and command not in CHECK_RUN_COMMANDS:
            raise InputError(
                f"{command} cannot publish a check run",
                hint="set report to summary or none (check runs come from: "
                f"{', '.join(CHECK_RUN_COMMANDS)})",
            )
        try:
            args = shlex.split(env.get("INPUT_ARGS", ""))
        except ValueError as exc:
            raise InputError(
                f"cannot split the args input: {exc}", hint="close the quote"
            ) from exc
        names = [n for n in re.split(r"[\s,]+", env.get("INPUT_ENVIRONMENTS", "")) if n]
        return cls(command, names, args, env.get("INPUT_GITHUB_TOKEN", ""), report)

    def argv(self, output_format: str) -> list[str]:
        argv = [self.command, *self.args]
        for name in self.environments:
            argv += ["--env", name]
        return [*argv, "--format", output_format]


def check_environments(inputs: Inputs) -> None:
    allowed = 1 if inputs.command == "rollback" else 0
    if inputs.command in MULTI_ENV_COMMANDS:
        return
    if len(inputs.environments) > allowed:
        raise InputError(
            f"{inputs.command} does not take "
            + ("more than one environment" if allowed else "the environments input"),
            hint="leave environments empty and pass what the command needs in args",
        )


def run_cli(argv: list[str], env: Mapping[str, str]) -> int:
    command = [sys.executable, "-m", "gitops_ml", *argv]
    print(f"gitops-ml {json.dumps(argv)}", flush=True)
    return subprocess.run(command, env=dict(env), check=False).returncode


def child_env(inputs: Inputs, env: Mapping[str, str]) -> dict[str, str]:
    child = {k: v for k, v in env.items() if not k.startswith("INPUT_")}
    if inputs.token:
        child["GITHUB_TOKEN"] = inputs.token
    if inputs.report == "none":
        child.pop("GITHUB_STEP_SUMMARY", None)
    return child


def run(env: Mapping[str, str]) -> int:
    """Run the command the inputs ask for; the step's exit code."""
    token = env.get("INPUT_GITHUB_TOKEN", "")
    if token:
        print(f"::add-mask::{github.escape_data(token)}", flush=True)
    inputs = Inputs.from_env(env)
    check_environments(inputs)
    argv = inputs.argv("github")
    if inputs.report == "check-run":
        argv += ["--report", "check-run"]
    # The github renderer itself writes changed, plan-json, environments and
    # pull-request-url to $GITHUB_OUTPUT; the exit code gives the conclusion.
    code = run_cli(argv, child_env(inputs, env))
    conclusion = CONCLUSIONS.get(code, "failure")
    if code == 2 and "--detailed-exitcode" in inputs.args:
        conclusion = "success"  # changes found, as asked; not a usage error
    github.set_outputs({"conclusion": conclusion})
    return code


def main() -> int:
    try:
        return run(os.environ)
    except InputError as exc:
        print(github.error_command(exc), flush=True)
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
