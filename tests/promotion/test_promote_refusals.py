"""promote refuses what would not move a version forward, and says what to do next."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from gitops_ml.errors import InputError
from tests.promotion.promotion_repo import BRANCH, Promote, commit_all, prod_pin

STAGING = "gitops-ml/promote/staging/churn-model"


def test_promoting_an_older_version_than_the_target_pins_is_refused(
    promote: Promote, work: git.Repo
) -> None:
    with pytest.raises(InputError) as caught:
        promote("churn-model", "--to", "staging", "--version", "1.9")

    assert "1.9 is older than 1.10, which staging pins" in str(caught.value)
    assert "gitops-ml rollback --env staging" in caught.value.hint
    assert STAGING not in [h.name for h in work.heads]


def test_force_gets_an_older_version_past_the_refusal_to_the_gates(
    promote: Promote, work: git.Repo
) -> None:
    args = ("churn-model", "--to", "staging", "--version", "1.9", "--force")

    assert promote(*args, "--draft") == 1  # 1.9 regresses auc: a gate says so

    text = work.git.show(f"{STAGING}:environments/staging.yaml")
    assert 'version: "1.9"' in text


def test_a_newer_version_is_still_promoted(promote: Promote, work: git.Repo) -> None:
    assert promote("churn-model", "--to", "prod", "--version", "1.10") == 0
    assert prod_pin(work, BRANCH) == "1.10"


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_an_environment_is_never_promoted_from_itself(
    promote: Promote, force: list[str]
) -> None:
    with pytest.raises(InputError) as caught:
        promote("churn-model", "--to", "staging", "--from", "staging", *force)

    assert "cannot promote staging from itself" in str(caught.value)
    assert caught.value.hint == "use --from dev"


def test_an_empty_version_is_an_error_not_the_upstreams_version(
    promote: Promote, work: git.Repo
) -> None:
    with pytest.raises(InputError) as caught:
        promote("churn-model", "--to", "prod", "--version", "")

    assert "--version is empty" in str(caught.value)
    assert BRANCH not in [h.name for h in work.heads]


def test_a_failing_soak_says_how_long_to_wait(
    promote: Promote, capsys: pytest.CaptureFixture[str]
) -> None:
    assert promote("churn-model", "--to", "prod", upstream_days=0.5) == 1

    assert "next: wait 12h for the soak in staging, then re-run" in (
        capsys.readouterr().out
    )


def test_a_failing_threshold_says_to_register_a_better_version(
    promote: Promote, work: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    prod = Path(work.working_dir) / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("value: 0.82", "value: 0.9"))
    commit_all(work, "Raise the prod auc bar")
    capsys.readouterr()

    assert promote("churn-model", "--to", "prod", "--format", "json") == 1

    report = json.loads(capsys.readouterr().out)
    (failed,) = [g for g in report["gates"] if not g["passed"]]
    assert failed["next"] == (
        "metric auc misses >= 0.9: register a better version or change the gate"
    )
    assert all(g["next"] is None for g in report["gates"] if g["passed"])
