"""The example workflows run on their events under act, against a loopback GitHub.

Each test commits a change to a temp GitOps repo whose environments use the
filesystem target, runs one workflow on its event and checks what a user would see:
step outputs, the job summary, annotations, check runs and the served folders.
"""

from __future__ import annotations

from pathlib import Path

from gitops_ml.cli import main
from tests.action.act_harness import ACTION_REF, APP_TOKEN, Act
from tests.action.github_server import GitHubServer
from tests.action.tools import PROJECT
from tests.conftest import GitRepo

EXAMPLES = PROJECT / "examples" / "workflows"
PROMOTE_BRANCH = "gitops-ml/promote/staging/churn-model"


def _push_event(before: str, after: str) -> dict[str, object]:
    return {
        "ref": "refs/heads/main",
        "before": before,
        "after": after,
        "repository": {"full_name": "acme/models", "default_branch": "main"},
    }


def test_ci_self_test_runs_the_action_on_the_example_tree(
    act: Act, act_setup: tuple[str, Path, dict[str, Path]]
) -> None:
    copy = act_setup[2][ACTION_REF]
    run = act.run(copy, "push", copy / ".github/workflows/ci.yml", {}, job="self-test")
    assert run.job_results() == {"self-test": "success"}, run.log()
    assert run.outputs("validate")["conclusion"] == "success"
    assert "### gitops-ml validate" in run.summaries()


def _pull_request_event(base: str, head: str, branch: str) -> dict[str, object]:
    return {
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"sha": base, "ref": "main"},
            "head": {"sha": head, "ref": branch},
        },
        "repository": {"full_name": "acme/models"},
    }


def test_minimal_workflow_annotates_a_pin_of_an_unknown_version(
    act: Act, gitops_repo: GitRepo
) -> None:
    base = gitops_repo.head
    gitops_repo.git("checkout", "-q", "-b", "typo")
    gitops_repo.replace("environments/dev.yaml", '"1.9"', '"9.9"')
    head = gitops_repo.commit("dev: churn-model 9.9")

    run = act.run(
        gitops_repo.path,
        "pull_request",
        EXAMPLES / "gitops-ml-minimal.yml",
        _pull_request_event(base, head, "typo"),
    )

    assert run.job_results() == {"validate": "failure"}, run.log()
    errors = [a for a in run.annotations() if a["command"] == "error"]
    assert errors, run.log()
    assert {a["kvPairs"].get("file") for a in errors} == {"environments/dev.yaml"}
    assert "9.9" in errors[0]["arg"]
    assert "### gitops-ml validate" in run.summaries()


def test_apply_workflow_applies_each_environment_the_push_changed(
    act: Act, gitops_repo: GitRepo
) -> None:
    before = gitops_repo.head
    gitops_repo.replace("environments/dev.yaml", '"1.9"', '"1.10"')
    after = gitops_repo.commit("dev: churn-model 1.10")

    run = act.run(
        gitops_repo.path,
        "push",
        EXAMPLES / "gitops-ml-apply.yml",
        _push_event(before, after),
    )

    results = run.job_results()
    assert results["affected"] == "success", run.log()
    assert results["apply dev"] == "success", run.log()
    assert not [job for job in results if job.startswith("apply prod")]
    assert run.outputs("affected", "affected")["environments"] == '["dev"]'
    served = gitops_repo.path.parent / "sites" / "dev" / "churn-model"
    assert [p.name for p in served.iterdir()] == ["10"]
    assert "### gitops-ml plan" in run.summaries("apply")


def test_apply_workflow_proposes_the_next_promotion_after_apply(
    act: Act, gitops_repo: GitRepo, github: GitHubServer
) -> None:
    github.fake.token = APP_TOKEN  # only the App token may open pull requests
    before = gitops_repo.head
    gitops_repo.replace("environments/dev.yaml", '"1.9"', '"1.10"')
    after = gitops_repo.commit("dev: churn-model 1.10")
    gitops_repo.git("push", "-q", "origin", "main")

    run = act.run(
        gitops_repo.path,
        "push",
        EXAMPLES / "gitops-ml-apply.yml",
        _push_event(before, after),
    )

    results = run.job_results()
    assert results["apply dev"] == "success", run.log()
    promotions = {job: r for job, r in results.items() if job.startswith("promote")}
    assert list(promotions.values()) == ["success"], run.log()
    assert github.fake.violations == []
    (pull,) = github.fake.pulls.values()
    assert (pull["head"], pull["base"]) == (PROMOTE_BRANCH, "main")
    assert "Gitops-Ml-Version: 1.10" in pull["body"]
    assert run.outputs("promote")["pull-request-url"].endswith("/pull/1")


def test_drift_workflow_fails_and_shows_a_hand_edit(
    act: Act, gitops_repo: GitRepo
) -> None:
    assert main(["apply", "--repo", str(gitops_repo.path)]) == 0
    served = gitops_repo.path.parent / "sites/dev/churn-model/9/model.json"
    served.write_text("edited by hand\n")

    run = act.run(
        gitops_repo.path,
        "schedule",
        EXAMPLES / "gitops-ml-drift.yml",
        {"schedule": "17 * * * *"},
    )

    assert run.job_results() == {"drift": "failure"}, run.log()
    assert run.outputs("drift")["changed"] == "true"
    assert run.outputs("drift")["conclusion"] == "success"
    assert "**dev**: 1 drifted" in run.summaries()
    assert "**prod**: no drift" in run.summaries()
    warnings = [a["arg"] for a in run.annotations() if a["command"] == "warning"]
    assert any(w.startswith("dev: churn-model drifted") for w in warnings), warnings


def test_pull_request_workflow_publishes_validate_and_plan_check_runs(
    act: Act, gitops_repo: GitRepo, github: GitHubServer
) -> None:
    base = gitops_repo.head
    gitops_repo.git("checkout", "-q", "-b", "promote/churn-model/dev")
    gitops_repo.replace("environments/dev.yaml", '"1.9"', '"1.10"')
    head = gitops_repo.commit("dev: churn-model 1.10")
    event = _pull_request_event(base, head, "promote/churn-model/dev")

    run = act.run(
        gitops_repo.path, "pull_request", EXAMPLES / "gitops-ml-pull-request.yml", event
    )

    assert run.job_results() == {"check": "success"}, run.log()
    assert github.fake.violations == []
    runs = {r["name"]: r for r in github.fake.check_runs.values()}
    assert set(runs) == {"gitops-ml/validate", "gitops-ml/plan"}, runs
    assert {r["head_sha"] for r in runs.values()} == {head}
    assert {r["conclusion"] for r in runs.values()} == {"success"}
    assert runs["gitops-ml/plan"]["output"]["title"].endswith(": dev")


def test_promote_workflow_opens_a_pull_request(
    act: Act, gitops_repo: GitRepo, github: GitHubServer
) -> None:
    github.fake.token = APP_TOKEN  # only the App token may open pull requests
    gitops_repo.replace("environments/dev.yaml", '"1.9"', '"1.10"')
    gitops_repo.commit("dev: churn-model 1.10")
    gitops_repo.git("push", "-q", "origin", "main")
    assert main(["apply", "--repo", str(gitops_repo.path), "--env", "dev"]) == 0
    event = {"inputs": {"model": "churn-model", "to": "staging", "from": "dev"}}

    run = act.run(
        gitops_repo.path, "workflow_dispatch", EXAMPLES / "gitops-ml-promote.yml", event
    )

    assert run.job_results() == {"promote": "success"}, run.log()
    assert github.fake.violations == []
    ((number, pull),) = github.fake.pulls.items()
    assert (pull["head"], pull["base"], pull["draft"]) == (
        PROMOTE_BRANCH,
        "main",
        False,
    )
    url = run.outputs("promote")["pull-request-url"]
    assert url.endswith(f"/acme/models/pull/{number}")
    assert f"Promotion pull request - {url}" in run.summaries()
    (check,) = github.fake.check_runs.values()
    assert check["name"] == "gitops-ml/promote (staging)"
    assert check["head_sha"] == github.fake.branch_sha(PROMOTE_BRANCH)


def test_rollback_workflow_opens_a_revert_pull_request(
    act: Act, gitops_repo: GitRepo, github: GitHubServer
) -> None:
    github.fake.token = APP_TOKEN  # only the App token may open pull requests
    gitops_repo.replace("environments/prod.yaml", '"1.9"', '"1.10"')
    promotion = gitops_repo.commit("prod: churn-model 1.10")
    gitops_repo.git("push", "-q", "origin", "main")
    event = {"inputs": {"environment": "prod", "model": "churn-model"}}

    run = act.run(
        gitops_repo.path,
        "workflow_dispatch",
        EXAMPLES / "gitops-ml-rollback.yml",
        event,
    )

    assert run.job_results() == {"rollback": "success"}, run.log()
    assert github.fake.violations == []
    ((number, pull),) = github.fake.pulls.items()
    assert (pull["head"], pull["base"]) == (
        "gitops-ml/rollback/prod/churn-model",
        "main",
    )
    assert promotion[:7] in pull["body"]
    url = run.outputs("rollback")["pull-request-url"]
    assert url.endswith(f"/acme/models/pull/{number}")
    assert f"Rollback pull request - {url}" in run.summaries()
    gitops_repo.git("fetch", "-q", "origin", pull["head"])
    reverted = gitops_repo.git("show", "FETCH_HEAD:environments/prod.yaml")
    assert 'version: "1.9"' in reverted


def test_shell_and_workflow_syntax_in_inputs_and_yaml_stay_data(
    act: Act, gitops_repo: GitRepo
) -> None:
    hostile = "$(touch pwned-yaml) `touch pwned-tick`\\n::warning::forged-yaml"
    gitops_repo.replace("environments/dev.yaml", '"1.9"', f'"{hostile}"')
    gitops_repo.commit("dev: a version that is not one")
    hostile_args = (
        "environments '$(touch pwned-arg)' `touch pwned-arg2` ::warning::forged-arg"
    )
    workflow = PROJECT / "tests/fixtures/workflows/untrusted-input.yml"

    for args in (hostile_args, "environments"):
        run = act.run(
            gitops_repo.path, "workflow_dispatch", workflow, {"inputs": {"args": args}}
        )
        assert run.job_results() == {"validate": "failure"}, run.log()
        assert run.outputs("validate")["conclusion"] == "failure"
        assert not list(gitops_repo.path.rglob("pwned*"))
        assert not list(act.home.rglob("pwned*"))
        annotations = run.annotations()
        assert annotations, run.log()
        assert {a["command"] for a in annotations} == {"error"}, annotations
        assert "forged" not in " ".join(
            a["arg"] for a in annotations if a["arg"][:2] == "::"
        )
        if args == hostile_args:  # the argument is a path that does not exist
            assert "$(touch pwned-arg) does not exist" in annotations[0]["arg"]
        else:  # the YAML value is reported where it stands, as data
            files = {a["kvPairs"].get("file") for a in annotations}
            assert files == {"environments/dev.yaml"}
