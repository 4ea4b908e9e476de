"""apply refuses a revision off the deploy branch or older than what runs, unless
--force; deleting needs prune and emptying an environment needs --allow-destroy."""

from __future__ import annotations

from tests.conftest import Cli, GitRepo


def test_a_revision_off_the_deploy_branch_is_refused_without_force(
    example_repo: GitRepo, cli: Cli
) -> None:
    example_repo.git("switch", "-q", "-c", "experiment")
    example_repo.pin_local("1.9")
    example_repo.commit("try 1.9")
    args = ("apply", "--env", "local", "--repo", str(example_repo.path))
    refused = cli(*args)
    assert refused.code == 1
    assert "is not on the deploy branch 'main'" in refused.err
    assert not example_repo.served.exists()
    assert cli(*args, "--force").code == 0
    assert (example_repo.served / "churn-model" / "9").is_dir()


def test_a_revision_older_than_what_runs_is_refused_without_force(
    example_repo: GitRepo, cli: Cli
) -> None:
    old = example_repo.head
    example_repo.pin_local("1.9")
    example_repo.commit("local: 1.9")
    repo = str(example_repo.path)
    assert cli("apply", "--env", "local", "--repo", repo).code == 0
    planned = cli("plan", "--env", "local", "--ref", old, "--repo", repo)
    assert planned.code == 0
    assert "which the target already runs: apply would refuse it without --force" in (
        planned.out.replace("\n", " ")
    )
    refused = cli("apply", "--env", "local", "--ref", old, "--repo", repo)
    assert refused.code == 1
    assert "is older than" in refused.err
    assert [p.name for p in (example_repo.served / "churn-model").iterdir()] == ["9"]
    forced = cli("apply", "--env", "local", "--ref", old, "--force", "--repo", repo)
    assert forced.code == 0
    assert [p.name for p in (example_repo.served / "churn-model").iterdir()] == ["10"]


def test_a_model_dropped_from_git_stays_served_while_prune_is_off(
    example_repo: GitRepo, cli: Cli
) -> None:
    repo = str(example_repo.path)
    assert cli("apply", "--env", "local", "--repo", repo).code == 0
    example_repo.pin_local(prune=False)
    example_repo.commit("local: nothing, prune off")
    outcome = cli("apply", "--env", "local", "--repo", repo)
    assert outcome.code == 0
    assert (example_repo.served / "churn-model" / "10").is_dir()


def test_emptying_an_environment_needs_allow_destroy(
    example_repo: GitRepo, cli: Cli
) -> None:
    repo = str(example_repo.path)
    assert cli("apply", "--env", "local", "--repo", repo).code == 0
    example_repo.pin_local()
    example_repo.commit("local: nothing")
    refused = cli("apply", "--env", "local", "--repo", repo)
    assert refused.code == 1
    assert "--allow-destroy" in refused.err
    assert (example_repo.served / "churn-model" / "10").is_dir()
    assert cli("apply", "--env", "local", "--allow-destroy", "--repo", repo).code == 0
    assert list(example_repo.served.iterdir()) == []
