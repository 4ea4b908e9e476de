"""commit v1 -> apply -> commit v2 -> apply -> git revert v2 -> apply == v1 again."""

from __future__ import annotations

from pathlib import Path

from gitops_ml.cli import main
from gitops_ml.targets.filesystem.digest import folder_digests
from tests.conftest import GitRepo


def served_tree(repo: GitRepo) -> dict[str, str]:
    return folder_digests(repo.path / "serving" / "model-repository")


def test_revert_restores_the_served_tree_file_for_file(example_repo: GitRepo) -> None:
    repo = example_repo
    repo.replace("environments/local.yaml", 'version: "1.10"', 'version: "1.9"')
    repo.commit("local: churn-model 1.9")
    assert main(["apply", "--env", "local", "--repo", str(repo.path)]) == 0
    v1_tree = served_tree(repo)

    repo.replace("environments/local.yaml", 'version: "1.9"', 'version: "1.10"')
    v2 = repo.commit("local: churn-model 1.10")
    assert main(["apply", "--env", "local", "--repo", str(repo.path)]) == 0
    assert served_tree(repo) != v1_tree

    repo.git("revert", "--no-edit", v2)
    assert main(["apply", "--env", "local", "--repo", str(repo.path)]) == 0
    assert served_tree(repo) == v1_tree
    assert list(served_tree(repo)) == ["churn-model/9/model.json"]


def test_plan_is_empty_after_apply_and_reports_a_committed_change(
    example_repo: GitRepo,
) -> None:
    args = ["--env", "local", "--repo", str(example_repo.path)]
    assert main(["apply", *args]) == 0
    assert main(["plan", "--detailed-exitcode", *args]) == 0
    example_repo.replace("environments/local.yaml", '"1.10"', '"1.8"')
    example_repo.commit("local: churn-model 1.8")
    assert main(["plan", "--detailed-exitcode", *args]) == 2


def test_drift_finds_a_hand_edit_and_repair_restores_it(
    example_repo: GitRepo, tmp_path: Path
) -> None:
    args = ["--env", "local", "--repo", str(example_repo.path)]
    assert main(["apply", *args]) == 0
    served = example_repo.path / "serving/model-repository/churn-model/10/model.json"
    original = served.read_bytes()
    served.write_text("edited by hand\n")
    assert main(["drift", "--detailed-exitcode", *args]) == 2
    assert main(["drift", "--repair", *args]) == 0
    assert served.read_bytes() == original
    assert main(["drift", "--detailed-exitcode", *args]) == 0
