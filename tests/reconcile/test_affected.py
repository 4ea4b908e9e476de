"""plan --affected lists the environments a commit range touches, from Git alone."""

from __future__ import annotations

import json

from tests.conftest import Cli, GitRepo

MODEL = "models/churn-model.yaml"


def affected(cli: Cli, repo: GitRepo, base: str) -> list[str]:
    outcome = cli(
        "plan",
        "--affected",
        f"{base}..HEAD",
        "--format",
        "json",
        "--repo",
        str(repo.path),
    )
    assert outcome.code == 0, outcome.err
    names: list[str] = json.loads(outcome.out)["environments"]
    return names


def test_an_environment_edit_touches_only_that_environment(
    example_repo: GitRepo, cli: Cli
) -> None:
    base = example_repo.head
    example_repo.replace("environments/local.yaml", '"1.10"', '"1.9"')
    example_repo.commit("local: 1.9")
    assert affected(cli, example_repo, base) == ["local"]


def test_a_model_edit_touches_only_environments_pinning_the_changed_entry(
    example_repo: GitRepo, cli: Cli
) -> None:
    base = example_repo.head
    example_repo.replace(MODEL, "recall: 0.77", "recall: 0.771")  # version 1.9
    example_repo.commit("1.9: corrected recall")
    assert affected(cli, example_repo, base) == ["edge", "prod", "staging"]


def test_a_change_to_an_unpinned_version_touches_nothing(
    example_repo: GitRepo, cli: Cli
) -> None:
    base = example_repo.head
    example_repo.replace(MODEL, "recall: 0.74", "recall: 0.741")  # version 1.8
    example_repo.add_version(
        "1.11",
        11,
        [{"path": "artifacts/churn-model/1.10/model.json", "sha256": "0" * 64}],
    )
    example_repo.commit("1.8 metrics, new 1.11")
    assert affected(cli, example_repo, base) == []


def test_an_artifact_file_change_touches_environments_pinning_its_version(
    example_repo: GitRepo, cli: Cli
) -> None:
    base = example_repo.head
    example_repo.write("artifacts/churn-model/1.10/model.json", "{}\n")
    example_repo.commit("rewrite the 1.10 artifact")
    assert affected(cli, example_repo, base) == ["dev", "local"]


def test_three_dots_compare_from_the_merge_base_as_github_does(
    example_repo: GitRepo, cli: Cli
) -> None:
    example_repo.git("checkout", "-q", "-b", "feature")
    example_repo.replace("environments/local.yaml", '"1.10"', '"1.9"')
    example_repo.commit("local: 1.9")
    example_repo.git("checkout", "-q", "main")
    example_repo.replace(
        "environments/edge.yaml", "LOG_LEVEL: info", "LOG_LEVEL: debug"
    )
    example_repo.commit("edge: debug logs")
    example_repo.git("checkout", "-q", "feature")

    def names(commit_range: str) -> list[str]:
        outcome = cli(
            "plan", "--affected", commit_range, "--format", "json",
            "--repo", str(example_repo.path),
        )  # fmt: skip
        assert outcome.code == 0, outcome.out + outcome.err
        found: list[str] = json.loads(outcome.out)["environments"]
        return found

    assert names("main...feature") == ["local"]
    assert names("main...") == ["local"]
    assert names("main..feature") == ["edge", "local"]  # main's own change, undone
