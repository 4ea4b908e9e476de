"""A failed step returns its object to the previous version, records the failure at
that revision, is not retried until Git changes (or --retry-failed), and exits 1."""

from __future__ import annotations

import json

from gitops_ml.reconcile import engine
from gitops_ml.targets.base import Options
from gitops_ml.targets.filesystem.digest import folder_digests
from tests.conftest import Cli, GitRepo
from tests.loopback import serve


def add_bad_version(repo: GitRepo) -> None:
    repo.add_version(
        "1.11",
        11,
        [{"path": "artifacts/churn-model/1.10/model.json", "sha256": "ab" * 32}],
    )
    repo.pin_local("1.11")
    repo.commit("local: 1.11 with a wrong digest")


def test_a_bad_sha256_keeps_the_previous_version_and_is_held(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    assert cli("apply", *args).code == 0
    before = folder_digests(example_repo.served)
    add_bad_version(example_repo)

    failed = cli("apply", *args)
    assert failed.code == 1
    assert "sha256 is 841a79a6" in failed.out
    assert folder_digests(example_repo.served) == before
    state = json.loads(example_repo.state_file.read_text())
    assert [(f["name"], f["revision"]) for f in state["failures"]] == [
        ("churn-model", example_repo.head)
    ]

    held = cli("plan", "--detailed-exitcode", *args)
    assert held.code == 2  # held: the target does not match Git
    assert "not retried until the desired state changes" in held.out
    assert cli("status", *args).out.count("failed") >= 1
    assert cli("apply", "--retry-failed", *args).code == 1


def test_changing_the_desired_state_clears_the_hold(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    add_bad_version(example_repo)
    assert cli("apply", *args).code == 1
    example_repo.pin_local("1.9")
    example_repo.commit("local: 1.9 instead")
    assert cli("apply", *args).code == 0
    assert json.loads(example_repo.state_file.read_text())["failures"] == []


def test_a_version_never_ready_is_rolled_back_to_the_previous_one(
    example_repo: GitRepo,
) -> None:
    with serve() as triton:
        triton.routes["/v2/models/churn-model/versions/10/ready"] = (200, b"")
        triton.routes["/v2/models/churn-model/versions/9/ready"] = (503, b"")
        example_repo.pin_local(
            "1.10", target=f"readiness:\n  url: {triton.url}\n  timeout: 5s"
        )
        example_repo.commit("local: 1.10 with readiness")
        assert apply_quietly(example_repo).ok
        before = folder_digests(example_repo.served)
        example_repo.pin_local(
            "1.9", target=f"readiness:\n  url: {triton.url}\n  timeout: 5s"
        )
        example_repo.commit("local: 1.9")
        result = apply_quietly(example_repo)
    assert not result.ok
    assert "did not become ready" in result.steps[0].message
    assert result.steps[0].rolled_back
    assert folder_digests(example_repo.served) == before
    asked = triton.requests.count("/v2/models/churn-model/versions/9/ready")
    assert asked == 11  # every 0.5 s for 5 s, then once more


def apply_quietly(repo: GitRepo) -> engine.ApplyResult:
    """apply through the engine, with health-check waits recorded instead of slept."""
    session = engine.open_session(repo.path, "local", repo.head, Options())
    session.context.sleep = lambda seconds: None
    return engine.apply(session)
