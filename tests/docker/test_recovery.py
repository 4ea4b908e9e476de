"""What an interrupted or concurrent apply leaves on a host: expired locks are taken
over, live ones refused, and trial or staged containers cleaned on the next run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gitops_ml.targets.docker import records
from gitops_ml.targets.docker import spec as labels_
from tests.docker.engines import EdgeEnv, Engine
from tests.docker.gitops import edge_repo, served_version, serving

HOLDER = "someone@ci-runner pid 4242"


def _lock(engine: Engine, environment: str, expires: str) -> str:
    client = engine.client()
    try:
        records.ensure_record_image(client)
        created = client.api.create_container(
            records.RECORD_IMAGE,
            command=["lock"],
            name=records.lock_name(environment),
            labels={
                labels_.MANAGED: labels_.MANAGER,
                labels_.ENVIRONMENT: environment,
                labels_.ROLE: "lock",
                records.HOLDER: HOLDER,
                records.EXPIRES: expires,
            },
        )
        return str(created["Id"])
    finally:
        client.close()


def _names(engine: Engine, environment: str) -> set[str]:
    client = engine.client()
    try:
        found = client.api.containers(
            all=True, filters={"label": f"{labels_.ENVIRONMENT}={environment}"}
        )
        return {item["Names"][0].lstrip("/") for item in found}
    finally:
        client.close()


def test_an_expired_host_lock_is_taken_over(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    engine = docker_env.engines["edge-a"]
    with edge_repo(tmp_path, docker_env, "lock-expired") as repo:
        _lock(engine, repo.name, "2001-01-01T00:00:00+00:00")
        repo.hosts = [docker_env.host_entry("edge-a")]
        repo.pin("1")
        assert repo.run("apply") == 0
        assert served_version(serving(engine, repo.name)) == "1"
        assert records.lock_name(repo.name) not in _names(engine, repo.name)


def test_a_live_host_lock_is_refused_naming_holder_and_expiry(
    docker_env: EdgeEnv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = docker_env.engines["edge-a"]
    with edge_repo(tmp_path, docker_env, "lock-live") as repo:
        lock = _lock(engine, repo.name, "2999-01-01T00:00:00+00:00")
        repo.hosts = [docker_env.host_entry("edge-a")]
        repo.pin("1")
        assert repo.run("apply") == 1
        out = capsys.readouterr().out
        assert f"another apply holds this host: {HOLDER}" in out
        assert "until 2999-01-01T00:00:00+00:00" in out
        assert serving(engine, repo.name) is None
        assert _names(engine, repo.name) == {records.lock_name(repo.name)}
        client = engine.client()
        assert client.api.inspect_container(lock)["Id"] == lock
        client.close()


def _copy(engine: Engine, info: dict[str, Any], name: str, role: str) -> None:
    """A container like ``info`` under another name and role, never started."""
    client = engine.client()
    try:
        client.api.create_container(
            info["Config"]["Image"],
            name=name,
            labels={**info["Config"]["Labels"], labels_.ROLE: role},
        )
    finally:
        client.close()


def test_trial_and_staged_leftovers_are_removed_by_the_next_apply(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    engine = docker_env.engines["edge-b"]
    with edge_repo(tmp_path, docker_env, "leftovers") as repo:
        repo.hosts = [docker_env.host_entry("edge-b")]
        repo.pin("1")
        assert repo.run("apply") == 0
        info = serving(engine, repo.name)
        assert info is not None
        _copy(engine, info, f"{repo.name}.trial", "trial")
        _copy(engine, info, f"{repo.name}.next", "serving")
        assert repo.run("status") == 0
        assert repo.run("drift", "--detailed-exitcode") == 0

        repo.pin("2")
        assert repo.run("apply") == 0
        assert served_version(serving(engine, repo.name)) == "2"
        assert _names(engine, repo.name) == {
            repo.name,
            records.record_name(repo.name),
        }


def test_a_cut_over_interrupted_before_its_rename_is_finished(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    engine = docker_env.engines["edge-b"]
    with edge_repo(tmp_path, docker_env, "half-swapped") as repo:
        repo.hosts = [docker_env.host_entry("edge-b")]
        repo.pin("1")
        assert repo.run("apply") == 0
        info = serving(engine, repo.name)
        assert info is not None
        client = engine.client()
        client.api.rename(info["Id"], f"{repo.name}.next")
        client.close()
        assert repo.run("drift", "--detailed-exitcode") == 0

        repo.pin("2")
        assert repo.run("apply") == 0
        assert served_version(serving(engine, repo.name)) == "2"
        assert _names(engine, repo.name) == {
            repo.name,
            records.record_name(repo.name),
        }
