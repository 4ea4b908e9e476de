"""gitops-ml validate end to end: exit codes, formats and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import GitRepo

RESULT_SCHEMA = json.loads(
    resources.files("gitops_ml.schemas")
    .joinpath("validate-result.schema.json")
    .read_text("utf-8")
)


def _validate(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "gitops_ml",
            "validate",
            "--repo",
            str(repo.path),
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr


def test_example_tree_is_valid(example_repo: GitRepo) -> None:
    result = _validate(example_repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: 6 files valid" in result.stdout


@pytest.mark.parametrize("broken", [False, True])
def test_json_output_matches_its_published_schema(
    example_repo: GitRepo, broken: bool
) -> None:
    if broken:
        example_repo.replace("environments/dev.yaml", "traffic: 100", "traffic: 90")
    result = _validate(example_repo, "--format", "json")
    payload = json.loads(result.stdout)
    Draft202012Validator(RESULT_SCHEMA).validate(payload)
    assert payload["ok"] is not broken
    assert result.returncode == (1 if broken else 0)


def test_repeated_key_exits_1_naming_its_line(example_repo: GitRepo) -> None:
    example_repo.replace(
        "environments/dev.yaml", "  name: dev\n", "  name: dev\n  name: x\n"
    )
    result = _validate(example_repo)
    assert result.returncode == 1
    assert "environments/dev.yaml:6:3: duplicate key 'name'" in result.stdout
    _no_traceback(result)


def test_unquoted_version_exits_1_explaining_the_float(example_repo: GitRepo) -> None:
    example_repo.replace("environments/dev.yaml", 'version: "1.10"', "version: 1.10")
    result = _validate(example_repo)
    assert result.returncode == 1
    assert "1.10 is read as the number 1.1" in result.stdout
    assert 'quote it ("1.10")' in result.stdout


def test_alias_bomb_fails_with_its_rule(example_repo: GitRepo) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(
            f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]"
        )
    example_repo.write("environments/bomb.yaml", "\n".join(lines) + "\n")
    result = _validate(example_repo, "--format", "json")
    assert result.returncode == 1
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert rules == ["alias-bomb"]


def test_random_bytes_exit_1_without_traceback(example_repo: GitRepo) -> None:
    (example_repo.path / "models" / "noise.yaml").write_bytes(
        bytes(range(256)) * 4 + b"\x00\xff\xfe"
    )
    result = _validate(example_repo)
    assert result.returncode == 1
    assert "models/noise.yaml" in result.stdout
    _no_traceback(result)


def test_anchor_and_merge_key_validate(example_repo: GitRepo) -> None:
    example_repo.replace(
        "environments/dev.yaml",
        "      settings:\n        auth_mode: key\n",
        "      settings:\n        auth_mode: key\n        tags: &tags {team: ml}\n",
    )
    example_repo.replace(
        "environments/dev.yaml",
        "            instance_count: 1\n",
        "            instance_count: 1\n            tags:\n              <<: *tags\n"
        "              team: other\n",
    )
    result = _validate(example_repo)
    assert result.returncode == 0, result.stdout


def test_base_rejects_changed_metrics_of_a_used_version(example_repo: GitRepo) -> None:
    base = example_repo.head
    example_repo.replace("models/churn-model.yaml", "auc: 0.841", "auc: 0.9")
    result = _validate(example_repo, "--base", base)
    assert result.returncode == 1
    assert "churn-model@1.9 is in use" in result.stdout
    assert "metrics may not change" in result.stdout


def test_base_accepts_metrics_of_an_unused_version(example_repo: GitRepo) -> None:
    base = example_repo.head
    example_repo.replace("models/churn-model.yaml", "auc: 0.812", "auc: 0.9")
    assert _validate(example_repo, "--base", base).returncode == 0


def test_unknown_base_revision_exits_1(example_repo: GitRepo) -> None:
    result = _validate(example_repo, "--base", "no-such-rev")
    assert result.returncode == 1
    assert "revision 'no-such-rev' does not exist" in result.stderr
    _no_traceback(result)


def test_validate_does_not_import_the_azure_sdk(example_repo: GitRepo) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gitops_ml", "validate"],
        cwd=example_repo.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "gitops_ml.spec.loader" in imported
    assert not [name for name in imported if name.startswith("azure.ai.ml")]


def test_internal_bug_exits_3_with_a_crash_report(
    example_repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from gitops_ml import cli
    from gitops_ml.spec import checks

    def broken(*_args: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(checks.TARGET_CHECKS, "azureml", broken)
    monkeypatch.setenv("TMPDIR", str(example_repo.path.parent))
    code = cli.main(["validate", "--repo", str(example_repo.path)])
    assert code == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err


def test_paths_limit_the_report_to_those_files(example_repo: GitRepo) -> None:
    example_repo.replace("environments/dev.yaml", "traffic: 100", "traffic: 90")
    example_repo.replace("environments/prod.yaml", "traffic: 100", "traffic: 90")
    result = _validate(example_repo, str(example_repo.path / "environments/dev.yaml"))
    assert result.returncode == 1
    assert "environments/dev.yaml" in result.stdout
    assert "environments/prod.yaml" not in result.stdout


def test_github_format_annotates_and_writes_the_summary(
    example_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    example_repo.replace("environments/dev.yaml", "traffic: 100", "traffic: 90")
    result = _validate(example_repo, "--format", "github")
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=environments/dev.yaml,line=17,col=7,")
    assert "sums to 90" in summary.read_text()
