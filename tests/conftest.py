"""Shared fixtures: real git repositories in temp folders, the example tree."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitops_ml.cli import main

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE_PARTS = ("models", "environments", "artifacts")


class GitRepo:
    """A GitOps repo in a temp folder, with a bare 'origin', driven by real git."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=self.path, check=True, capture_output=True, text=True
        )
        return result.stdout.strip()

    def write(self, relative: str, text: str) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return target

    def replace(self, relative: str, old: str, new: str) -> None:
        target = self.path / relative
        content = target.read_text()
        assert old in content, f"{old!r} not in {relative}"
        target.write_text(content.replace(old, new, 1))

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")

    @property
    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def add_version(
        self,
        version: str,
        folder: int,
        files: list[dict[str, str]],
        model: str = "churn-model",
    ) -> None:
        """Append a version of ``model`` whose files are ``files`` (path or url,
        sha256, dest)."""
        lines = [
            f'    - version: "{version}"',
            "      created: 2026-12-01T00:00:00Z",
            f"      servingVersion: {folder}",
            "      artifacts:",
            "        files:",
        ]
        for item in files:
            first = True
            for key, value in item.items():
                lines.append(f"          {'- ' if first else '  '}{key}: '{value}'")
                first = False
        document = self.path / "models" / f"{model}.yaml"
        document.write_text(document.read_text() + "\n".join(lines) + "\n")

    def pin_local(
        self,
        *versions: str,
        target: str = "",
        prune: bool = True,
        root: str = "serving/model-repository",
    ) -> None:
        """Rewrite environments/local.yaml to serve ``versions`` of churn-model."""
        lines = [
            "apiVersion: gitops-ml/v1",
            "kind: Environment",
            "metadata:",
            "  name: local",
            "spec:",
            "  target:",
            "    type: filesystem",
            f"    root: {root}",
            "    keepPrevious: 2",
            *(f"    {line}" for line in target.splitlines() if line),
            f"  prune: {'true' if prune else 'false'}",
            "  deployments:" + ("" if versions else " []"),
        ]
        for version in versions:
            lines += ["    - model: churn-model", f'      version: "{version}"']
        self.write("environments/local.yaml", "\n".join(lines) + "\n")

    @property
    def served(self) -> Path:
        return self.path / "serving" / "model-repository"

    @property
    def state_file(self) -> Path:
        return self.path / "serving" / ".model-repository.gitops-ml" / "state.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Outcome:
    code: int
    out: str
    err: str


Cli = Callable[..., Outcome]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run gitops-ml in this process; returns the exit code and what it printed."""

    def run(*args: str) -> Outcome:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Tests never read or write the real $HOME or its git config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.com")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)


@pytest.fixture
def example_repo(tmp_path: Path) -> Iterator[GitRepo]:
    """The project's example GitOps tree, committed on main, with a bare origin."""
    origin = tmp_path / "origin.git"
    subprocess.run(
        ["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True
    )
    work = tmp_path / "gitops"
    work.mkdir()
    for part in EXAMPLE_PARTS:
        shutil.copytree(PROJECT / part, work / part)
    (work / ".gitignore").write_text("/serving/\n")
    repo = GitRepo(work)
    repo.git("init", "-q", "-b", "main")
    repo.git("remote", "add", "origin", str(origin))
    repo.commit("Example GitOps tree")
    repo.git("push", "-q", "origin", "main")
    yield repo
