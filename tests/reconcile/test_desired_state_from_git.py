"""The desired state is read from a commit's tree, never from unstaged files."""

from __future__ import annotations

from tests.conftest import Cli, GitRepo


def test_an_uncommitted_edit_is_not_deployed(example_repo: GitRepo, cli: Cli) -> None:
    example_repo.replace("environments/local.yaml", '"1.10"', '"1.9"')
    outcome = cli("apply", "--env", "local", "--repo", str(example_repo.path))
    assert outcome.code == 0
    assert sorted(p.name for p in (example_repo.served / "churn-model").iterdir()) == [
        "10"
    ]


def test_ref_selects_the_revision_to_plan(example_repo: GitRepo, cli: Cli) -> None:
    first = example_repo.head
    example_repo.replace("environments/local.yaml", '"1.10"', '"1.9"')
    example_repo.commit("local: 1.9")
    repo = str(example_repo.path)
    outcome = cli("plan", "--env", "local", "--ref", first[:10], "--repo", repo)
    assert "+ 10/model.json" in outcome.out
    assert first[:7] in outcome.out
