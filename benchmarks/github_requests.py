"""Count GitHub requests: a promotion PR with its check run, and 500 annotations.

Runs against the contract-checked fake (no network), in one process, and prints each
figure beside its budget with the ratio. Run from the repository root:

    .venv/bin/python benchmarks/github_requests.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import responses

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gitops_ml.cli import build_parser  # noqa: E402
from gitops_ml.commands import promote  # noqa: E402
from gitops_ml.github.checks import Annotation, CheckReport, publish  # noqa: E402
from gitops_ml.github.client import GitHub  # noqa: E402
from gitops_ml.promotion.gates import UpstreamObservation  # noqa: E402
from tests.github_fake import FakeGitHub  # noqa: E402
from tests.github_fake.fixtures import settings_for  # noqa: E402

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def example_clone(scratch: Path) -> tuple[Path, Path]:
    origin, work = scratch / "origin.git", scratch / "work"
    git(scratch, "init", "-q", "--bare", "-b", "main", str(origin))
    for folder in ("models", "environments", "artifacts"):
        shutil.copytree(ROOT / folder, work / folder)
    git(scratch, "init", "-q", "-b", "main", str(work))
    git(work, "add", "-A")
    git(work, "commit", "-qm", "example")
    staging = work / "environments" / "staging.yaml"
    staging.write_text(staging.read_text().replace('"1.9"', '"1.10"'))
    git(work, "commit", "-qam", "staging runs 1.10")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    return origin, work


def observe(spec: object, env: str, model: str, version: str) -> UpstreamObservation:
    return UpstreamObservation(env, True, True, NOW - timedelta(days=2))


def promotion_requests(fake: FakeGitHub, work: Path) -> list[Counter[str]]:
    github = GitHub(settings_for(fake))
    runs = []
    for _ in range(2):  # the first run, then a re-run
        fake.calls.clear()
        args = build_parser().parse_args(
            [
                "promote",
                "--repo",
                str(work),
                "churn-model",
                "--from",
                "staging",
                "--to",
                "prod",
                "--open-pr",
                "--format",
                "json",
            ]
        )
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                promote.execute(args, observe=observe, now=NOW, github=github)
            finally:
                sys.stdout = stdout
        runs.append(Counter("write" if c.is_write else "read" for c in fake.calls))
    return runs


def annotation_requests(fake: FakeGitHub) -> Counter[str]:
    fake.calls.clear()
    notes = [
        Annotation("environments/prod.yaml", i % 40 + 1, f"finding {i}", "warning")
        for i in range(500)
    ]
    report = CheckReport("gitops-ml/validate", "500 findings", "summary", "", notes)
    publish(GitHub(settings_for(fake)), "f" * 40, report)
    assert len(fake.annotations[max(fake.annotations)]) == 500
    return Counter("write" if c.is_write else "read" for c in fake.calls)


def main() -> None:
    os.environ.setdefault("GIT_AUTHOR_NAME", "bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@example.com")
    os.environ.setdefault("GIT_COMMITTER_NAME", "bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@example.com")
    with tempfile.TemporaryDirectory() as scratch:
        origin, work = example_clone(Path(scratch))
        fake = FakeGitHub(origin=origin)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            fake.register(mock)
            first, rerun = promotion_requests(fake, work)
            notes = annotation_requests(fake)
        assert not fake.violations, fake.violations
    rows = [
        ("promotion PR + check run, first run", first.total(), 10),
        ("promotion PR + check run, re-run", rerun.total(), 10),
        ("500 annotations: writes", notes["write"], 10),
        ("500 annotations: reads", notes["read"], 2),
    ]
    print(f"{'figure':<40} {'requests':>8} {'budget':>6} {'ratio':>6}")
    for name, count, budget in rows:
        print(f"{name:<40} {count:>8} {budget:>6} {count / budget:>6.2f}")
    print(f"first promotion: {dict(first)}; re-run: {dict(rerun)}")


if __name__ == "__main__":
    main()
