"""Check runs: batching, limits, re-use, conclusions and the fallbacks."""

from __future__ import annotations

from gitops_ml.github.checks import (
    CHECK_RUN,
    COMMIT_STATUS,
    SUMMARY,
    TEXT_LIMIT,
    Annotation,
    CheckReport,
    publish,
)
from gitops_ml.github.client import GitHub
from tests.github_fake import FakeGitHub

SHA = "a" * 40


def report(count: int = 0, **kwargs: object) -> CheckReport:
    notes = [
        Annotation("environments/prod.yaml", i + 1, f"problem {i}", level="warning")
        for i in range(count)
    ]
    fields: dict[str, object] = {"summary": "all good", **kwargs}
    return CheckReport(
        name="gitops-ml/validate",
        title="validate",
        annotations=notes,
        **fields,  # type: ignore[arg-type]
    )


def test_annotations_go_at_most_fifty_to_a_request_and_all_arrive(
    fake: FakeGitHub, gh: GitHub
) -> None:
    result = publish(gh, SHA, report(120))

    assert result.channel == CHECK_RUN
    (run_id,) = fake.check_runs
    assert len(fake.annotations[run_id]) == 120
    writes = [c for c in fake.calls if c.is_write]
    assert [c.operation_id for c in writes] == [
        "checks/create",
        "checks/update",
        "checks/update",
    ]
    assert all(len(c.body["output"].get("annotations", [])) <= 50 for c in writes)
    assert fake.check_runs[run_id]["conclusion"] == "success"


def test_the_fake_refuses_more_than_fifty_annotations_like_github(
    fake: FakeGitHub, gh: GitHub
) -> None:
    import pytest
    from github import GithubException

    notes = [a.to_api() for a in report(51).annotations]
    with pytest.raises(GithubException) as caught:
        gh.repo.create_check_run(
            name="x",
            head_sha=SHA,
            output={"title": "t", "summary": "s", "annotations": notes},
        )
    assert caught.value.status == 422
    assert "No more than 50 items are allowed; 51 were supplied" in str(caught.value)


def test_a_rerun_of_the_same_report_reuses_the_run(
    fake: FakeGitHub, gh: GitHub
) -> None:
    publish(gh, SHA, report(3))
    publish(gh, SHA, report(3))

    assert len(fake.check_runs) == 1
    (run_id,) = fake.check_runs
    assert len(fake.annotations[run_id]) == 3


def test_conclusion_is_failure_when_anything_failed(
    fake: FakeGitHub, gh: GitHub
) -> None:
    failing = report(2)
    failing.annotations.append(Annotation("models/m.yaml", 3, "bad", level="failure"))
    publish(gh, SHA, failing)
    publish(gh, "b" * 40, report(0, failed=True))

    assert [r["conclusion"] for r in fake.check_runs.values()] == [
        "failure",
        "failure",
    ]


def test_summary_and_text_over_the_limit_are_cut_with_a_note(
    fake: FakeGitHub, gh: GitHub
) -> None:
    long = "é" * TEXT_LIMIT  # two bytes each: over the limit in bytes, not characters
    publish(gh, SHA, report(0, summary=long, text="ok " * 30_000))

    (run,) = fake.check_runs.values()
    assert len(run["output"]["summary"].encode()) <= TEXT_LIMIT
    assert run["output"]["summary"].endswith(
        "(truncated: the full report is in the job summary)"
    )
    assert len(run["output"]["text"].encode()) <= TEXT_LIMIT


def test_a_personal_token_falls_back_to_a_commit_status(
    fake: FakeGitHub, gh: GitHub
) -> None:
    fake.token_kind = "pat"
    result = publish(gh, SHA, report(0, failed=True))

    assert result.channel == COMMIT_STATUS
    assert "GitHub App" in result.note
    assert fake.statuses[0]["state"] == "failure"
    assert fake.statuses[0]["context"] == "gitops-ml/validate"


def test_a_forks_read_only_token_falls_back_to_the_job_summary(
    fake: FakeGitHub, gh: GitHub
) -> None:
    fake.token_kind = "fork"
    result = publish(gh, SHA, report(5))

    assert result.channel == SUMMARY
    assert "read-only" in result.note
    assert fake.check_runs == {}
    assert fake.statuses == []
