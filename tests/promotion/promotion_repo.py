"""Promotion test helpers: a clone with a bare origin, the GitHub fake, an upstream."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import git
import pytest

from gitops_ml.cli import build_parser
from gitops_ml.commands import promote as promote_command
from gitops_ml.commands import rollback as rollback_command
from gitops_ml.github.client import GitHub
from gitops_ml.promotion.gates import UpstreamObservation
from gitops_ml.spec.repo import RepoSpec
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import Sleeps, settings_for

EXAMPLE = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
BRANCH = "gitops-ml/promote/prod/churn-model"


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("GITHUB_EVENT_PATH", "GITHUB_SHA", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(key, raising=False)


def commit_all(repo: git.Repo, message: str) -> str:
    repo.git.add(A=True)
    repo.git.commit("-q", "-m", message)
    return repo.head.commit.hexsha


def set_pin(root: Path, env: str, old: str, new: str) -> None:
    path = root / "environments" / f"{env}.yaml"
    text = path.read_text()
    assert f'version: "{old}"' in text
    path.write_text(text.replace(f'version: "{old}"', f'version: "{new}"', 1))


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    path = tmp_path / "origin.git"
    git.Repo.init(path, bare=True, initial_branch="main")
    return path


@pytest.fixture
def work(tmp_path: Path, origin: Path) -> git.Repo:
    root = tmp_path / "work"
    for folder in ("models", "environments", "artifacts"):
        shutil.copytree(EXAMPLE / folder, root / folder)
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test Person")
        config.set_value("user", "email", "person@example.com")
    commit_all(repo, "Example GitOps tree")
    set_pin(root, "staging", "1.9", "1.10")
    commit_all(repo, "Promote churn-model 1.10 to staging")
    repo.create_remote("origin", str(origin))
    repo.git.push("-q", "origin", "main")
    return repo


@pytest.fixture
def github_env(
    fake: FakeGitHub, origin: Path, monkeypatch: pytest.MonkeyPatch
) -> FakeGitHub:
    fake.origin = origin
    monkeypatch.setenv("GITHUB_TOKEN", fake.token)
    monkeypatch.setenv("GITHUB_API_URL", fake.api_url)
    monkeypatch.setenv("GITHUB_REPOSITORY", fake.full_name)
    monkeypatch.setenv("GITOPS_ML_GITHUB_MAX_WAIT", "120")
    return fake


def healthy_for(days: float) -> Callable[..., UpstreamObservation]:
    def observe(
        spec: RepoSpec, env: str, model: str, version: str
    ) -> UpstreamObservation:
        return UpstreamObservation(
            env, True, True, NOW - timedelta(days=days), "in sync, healthy"
        )

    return observe


Promote = Callable[..., int]


@pytest.fixture
def promote(work: git.Repo, fake: FakeGitHub, sleeps: Sleeps) -> Promote:
    """Run ``gitops-ml promote`` on the clone with an injected upstream and clock."""
    github = GitHub(settings_for(fake), sleep=sleeps, clock=NOW.timestamp)

    def run(*argv: str, upstream_days: float = 2.0) -> int:
        args = build_parser().parse_args(
            ["promote", "--repo", str(work.working_dir), *argv]
        )
        return promote_command.execute(
            args, observe=healthy_for(upstream_days), now=NOW, github=github
        )

    return run


Rollback = Callable[..., int]


@pytest.fixture
def rollback(work: git.Repo, fake: FakeGitHub, sleeps: Sleeps) -> Rollback:
    """Run ``gitops-ml rollback`` on the clone with the GitHub client promote uses."""
    github = GitHub(settings_for(fake), sleep=sleeps, clock=NOW.timestamp)

    def run(*argv: str) -> int:
        args = build_parser().parse_args(
            ["rollback", "--repo", str(work.working_dir), *argv]
        )
        return rollback_command.execute(args, github=github)

    return run


def cli(work: git.Repo, *argv: str) -> int:
    """Run a gitops-ml command on the clone, the way a user would."""
    from gitops_ml.cli import main

    command, *rest = argv
    return main([command, "--repo", str(work.working_dir), *rest])


def merge(work: git.Repo, branch: str, how: str = "merge") -> str:
    """Land ``branch`` on main as GitHub's merge button would: merge, squash, rebase."""
    work.git.checkout("-q", "main")
    if how == "merge":
        work.git.merge("--no-ff", "-q", "-m", f"Merge branch '{branch}'", branch)
    elif how == "squash":
        work.git.merge("--squash", "-q", branch)
        work.git.commit("-q", "-m", work.commit(branch).message)
    else:
        work.git.cherry_pick(branch)
    work.git.push("-q", "origin", "main")
    return work.head.commit.hexsha


def prod_pin(work: git.Repo, revision: str = "HEAD") -> str:
    text = work.git.show(f"{revision}:environments/prod.yaml")
    return text.split('version: "', 1)[1].split('"', 1)[0]


def add_version(root: Path, version: str, created: str) -> None:
    """Register a newer model version (a copy of 1.10's evidence, better numbers)."""
    path = root / "models" / "churn-model.yaml"
    text = path.read_text()
    block = text[text.index('    - version: "1.10"') :]
    block = block.replace('"1.10"', f'"{version}"', 1)
    block = block.replace("2026-11-28T10:05:00Z", created)
    block = block.replace("auc: 0.858", "auc: 0.861").replace(
        "servingVersion: 10", "servingVersion: 11"
    )
    path.write_text(text.rstrip("\n") + "\n" + block)


def step_outputs(path: Path) -> dict[str, str]:
    """The ``name<<DELIMITER`` blocks a step wrote to its ``$GITHUB_OUTPUT`` file."""
    blocks = re.findall(r"^(\S+)<<(\S+)\n(.*?)\n\2$", path.read_text(), re.M | re.S)
    return {name: value for name, _, value in blocks}
