"""validate on a new user's mistakes: no silent pass, no crash, a next step each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gitops_ml.report import github
from gitops_ml.spec.findings import Findings
from gitops_ml.spec.loader import load_document
from tests.conftest import PROJECT, Cli, GitRepo

# The example tree pins churn-model 1.9 in prod; its auc is 0.841
USED_METRIC = "auc: 0.841"


def test_base_with_unrelated_problems_still_checks_immutability(
    example_repo: GitRepo, cli: Cli
) -> None:
    example_repo.write("environments/broken.yaml", "kind: [unclosed\n")
    example_repo.replace("environments/dev.yaml", "traffic: 100", "traffic: 90")
    base = example_repo.commit("a base with problems of its own")
    example_repo.git("rm", "-q", "environments/broken.yaml")
    example_repo.replace("environments/dev.yaml", "traffic: 90", "traffic: 100")
    assert cli("validate", "--repo", str(example_repo.path), "--base", base).code == 0

    example_repo.replace("models/churn-model.yaml", USED_METRIC, "auc: 0.9")
    result = cli("validate", "--repo", str(example_repo.path), "--base", base)
    assert result.code == 1
    assert "churn-model@1.9 is in use" in result.out
    assert "broken.yaml" not in result.out + result.err


def test_an_empty_base_is_an_error_not_skipped(example_repo: GitRepo, cli: Cli) -> None:
    result = cli("validate", "--repo", str(example_repo.path), "--base", "")
    assert result.code == 1
    assert "--base is empty" in result.err


def test_a_spec_file_symlinked_out_of_the_repo_is_flagged(
    example_repo: GitRepo, tmp_path: Path, cli: Cli
) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_bytes((example_repo.path / "models/churn-model.yaml").read_bytes())
    (example_repo.path / "models/churn-model.yaml").unlink()
    (example_repo.path / "models/churn-model.yaml").symlink_to(outside)
    result = cli("validate", "--repo", str(example_repo.path), "--format", "json")
    assert result.code == 1
    rules = {(f["rule"], f["file"]) for f in json.loads(result.out)["findings"]}
    assert rules == {("path-symlink", "models/churn-model.yaml")}


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("nope/", "nope/ does not exist"),
        ("/etc", "/etc is outside the repository"),
        ("{repo}/README.md", "is not a spec file"),
        ("{repo}/artifacts", "artifacts holds no spec files"),
    ],
)
def test_a_path_with_nothing_to_check_exits_1_saying_why(
    example_repo: GitRepo, cli: Cli, path: str, says: str
) -> None:
    (example_repo.path / "README.md").write_text("# notes\n")
    result = cli(
        "validate",
        "--repo",
        str(example_repo.path),
        path.format(repo=example_repo.path),
    )
    assert result.code == 1
    assert says in result.err
    assert "ok:" not in result.out


def test_a_folder_that_is_no_gitops_repo_exits_1(tmp_path: Path, cli: Cli) -> None:
    result = cli("validate", "--repo", str(tmp_path))
    assert result.code == 1
    assert "no models/ or environments/ found under" in result.err
    assert "(is this a GitOps repo?)" in result.err


def test_upper_case_yaml_extension_is_read(example_repo: GitRepo, cli: Cli) -> None:
    dev = example_repo.path / "environments"
    (dev / "dev.yaml").rename(dev / "dev.YAML")
    example_repo.replace("environments/dev.YAML", "traffic: 100", "traffic: 90")
    result = cli("validate", "--repo", str(example_repo.path), str(dev / "dev.YAML"))
    assert result.code == 1
    assert "environments/dev.YAML:" in result.out and "sums to 90" in result.out


@pytest.mark.parametrize("kind", ["missing folder", "a folder"])
def test_an_unwritable_step_summary_warns_and_keeps_the_exit_code(
    example_repo: GitRepo,
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    summary = tmp_path / ("no/such/dir/summary.md" if kind == "missing folder" else "")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    repo = str(example_repo.path)
    ok = cli("validate", "--repo", repo, "--format", "github")
    assert ok.code == 0
    assert "warning: cannot write the job summary" in ok.err
    example_repo.replace("environments/dev.yaml", "traffic: 100", "traffic: 90")
    assert cli("validate", "--repo", repo, "--format", "github").code == 1


def test_unwritable_step_outputs_warn_instead_of_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path))
    assert github.set_outputs({"changes": "1"}) is False
    assert "warning: cannot write the step outputs" in capsys.readouterr().err


def test_control_characters_from_yaml_reach_no_output_raw(
    example_repo: GitRepo, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    example_repo.replace(
        "models/churn-model.yaml",
        "image: registry.example.com/models/churn@",
        'image: "reg/x:\\e]0;owned\\a\\0\\x7f\\t:tag"\n        x-image: a@',
    )
    example_repo.replace("models/churn-model.yaml", "x-image: a@", "# ")
    repo = str(example_repo.path)
    for output_format in ("text", "github"):
        result = cli("validate", "--repo", repo, "--format", output_format)
        assert result.code == 1
        assert "\\x1b]0;owned\\x07\\x00\\x7f\\x09" in result.out
        assert not [c for c in result.out if ord(c) < 32 and c != "\n"]
    written = summary.read_text()
    assert "\\x1b" in written and "\x1b" not in written


def test_a_bad_byte_is_reported_at_its_column_with_a_hint() -> None:
    findings = Findings()
    load_document("models/x.yaml", b"a: 1\nname: caf\xe9\n", findings)
    (finding,) = findings.items
    assert (finding.location.line, finding.location.column) == (2, 10)
    assert finding.hint == "save the file as UTF-8"


@pytest.mark.parametrize("digits", [50, 5000])
def test_a_huge_number_is_cut_short_in_messages(
    example_repo: GitRepo, cli: Cli, digits: int
) -> None:
    example_repo.replace(
        "models/churn-model.yaml", 'version: "1.8"', "version: " + "9" * digits
    )
    result = cli("validate", "--repo", str(example_repo.path), "--format", "json")
    findings = json.loads(result.out)["findings"]
    assert findings
    longest = max(len(f["message"]) + len(f["hint"]) for f in findings)
    assert longest < 400
    if digits == 50:
        assert "9" * 50 in result.out  # short values stay whole


def test_input_errors_are_a_json_object_with_format_json(
    example_repo: GitRepo, cli: Cli
) -> None:
    result = cli(
        "validate", "--repo", str(example_repo.path), "--format", "json", "nope"
    )
    assert result.code == 1
    payload = json.loads(result.out)
    assert payload["ok"] is False
    assert payload["error"]["message"] == "nope does not exist"
    assert set(payload["error"]) == {"message", "hint", "file", "line", "column"}
    assert "error: nope does not exist" in result.err


def test_the_benchmark_explains_its_usage() -> None:
    result = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "validate_bench.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "--repeat" in result.stdout and "Traceback" not in result.stderr
