"""action.yml and every workflow pass zizmor, the vendored schemas and actionlint."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.action.tools import PROJECT, tool, workflows

ACTION = PROJECT / "action.yml"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, check=False
    )


def test_zizmor_finds_nothing_in_the_action_and_workflows() -> None:
    zizmor = tool("zizmor", "pip install -e '.[dev]'")
    files = [str(ACTION), *map(str, workflows())]
    result = _run(zizmor, "--offline", "--no-progress", "--format", "plain", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_workflows_match_the_github_workflow_schema() -> None:
    checker = tool("check-jsonschema", "pip install -e '.[dev]'")
    files = map(str, workflows())
    result = _run(checker, "--builtin-schema", "vendor.github-workflows", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_matches_the_github_action_schema() -> None:
    checker = tool("check-jsonschema", "pip install -e '.[dev]'")
    result = _run(checker, "--builtin-schema", "vendor.github-actions", str(ACTION))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_with_shellcheck_finds_nothing_in_the_workflows() -> None:
    actionlint = tool("actionlint", "pip install -e '.[dev]'")
    shellcheck = tool("shellcheck", "apt-get install shellcheck")
    result = _run(actionlint, "-shellcheck", shellcheck, *map(str, workflows()))
    assert result.returncode == 0, result.stdout + result.stderr


def _scripts(steps: list[dict[str, object]]) -> list[str]:
    return [str(step["run"]) for step in steps if "run" in step]


def test_action_scripts_hold_no_expressions() -> None:
    action = yaml.safe_load(ACTION.read_text())
    scripts = _scripts(action["runs"]["steps"])
    assert scripts, "the action has run steps"
    assert not [s for s in scripts if "${{" in s]


def test_every_action_input_reaches_the_script_through_env() -> None:
    action = yaml.safe_load(ACTION.read_text())
    env = {
        key: value
        for step in action["runs"]["steps"]
        for key, value in step.get("env", {}).items()
    }
    passed = {v.removeprefix("${{ inputs.").removesuffix(" }}") for v in env.values()}
    assert set(action["inputs"]) - {"working-directory"} <= passed


@pytest.mark.parametrize("workflow", workflows(), ids=lambda p: p.name)
def test_workflow_scripts_hold_no_expressions(workflow: Path) -> None:
    document = yaml.safe_load(workflow.read_text())
    for job in document["jobs"].values():
        assert not [s for s in _scripts(job.get("steps", [])) if "${{" in s]


@pytest.mark.parametrize("workflow", workflows(), ids=lambda p: p.name)
def test_workflow_grants_nothing_at_the_top_and_pins_actions_by_sha(
    workflow: Path,
) -> None:
    document = yaml.safe_load(workflow.read_text())
    assert document["permissions"] == {}
    for job in document["jobs"].values():
        assert "permissions" in job
        for step in job.get("steps", []):
            uses = step.get("uses", "./")
            if uses.startswith("./"):
                continue
            ref = uses.rpartition("@")[2]
            assert len(ref) == 40 and int(ref, 16) >= 0, uses
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("doc", ["docs/action.md", "README.md"])
def test_the_minimal_workflow_in_the_docs_is_the_tested_example(doc: str) -> None:
    text = (PROJECT / doc).read_text()
    example = PROJECT / "examples" / "workflows" / "gitops-ml-minimal.yml"
    assert f"```yaml\n{example.read_text()}```" in text
