"""Read-only commands need no secret values; only an apply that creates a container
does, and then it fails with one line and records no failed version."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docker.engines import EdgeEnv
from tests.docker.gitops import edge_repo, served_version, serving

SOURCE = "GMDT_CHURN_TOKEN"


def test_status_and_plan_run_without_the_secret_and_apply_needs_it(
    docker_env: EdgeEnv,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = docker_env.engines["edge-a"]
    with edge_repo(tmp_path, docker_env, "secrets") as repo:
        repo.hosts = [docker_env.host_entry("edge-a")]
        repo.container = {"env": {"TOKEN": {"secretRef": {"env": SOURCE}}}}
        repo.pin("1")
        monkeypatch.setenv(SOURCE, "first-value")
        assert repo.run("apply") == 0
        info = serving(engine, repo.name)
        assert info is not None and "TOKEN=first-value" in info["Config"]["Env"]

        monkeypatch.delenv(SOURCE)
        capsys.readouterr()
        assert repo.run("status") == 0
        assert f"{repo.name}: in sync" in capsys.readouterr().out
        assert repo.run("plan", "--detailed-exitcode") == 0
        out = capsys.readouterr().out
        assert f"reads environment variable {SOURCE}, which is not set" in out
        assert "first-value" not in out

        repo.pin("2")
        assert repo.run("plan", "--detailed-exitcode") == 2
        assert repo.run("apply") == 1
        out = capsys.readouterr().out
        assert (
            f"secret TOKEN reads environment variable {SOURCE}, which is not set" in out
        )
        assert served_version(serving(engine, repo.name)) == "1"

        monkeypatch.setenv(SOURCE, "second-value")
        assert repo.run("apply") == 0
        info = serving(engine, repo.name)
        assert served_version(info) == "2"
        assert info is not None and "TOKEN=second-value" in info["Config"]["Env"]
        assert repo.run("plan", "--detailed-exitcode") == 0
        monkeypatch.setenv(SOURCE, "rotated-value")
        assert repo.run("plan", "--detailed-exitcode") == 2
        assert "rotated-value" not in capsys.readouterr().out
