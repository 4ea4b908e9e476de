"""A cut-over the engine refuses leaves the old container serving and nothing staged,
and a registry failure fails the host without holding the version."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from tests.docker.engines import EdgeEnv
from tests.docker.gitops import (
    edge_repo,
    get_version,
    model_document,
    published_port,
    served_version,
    serving,
)


def _names(docker_env: EdgeEnv, engine: str, deployment: str) -> list[str]:
    client = docker_env.engines[engine].client()
    try:
        listed = client.api.containers(all=True)
    finally:
        client.close()
    return sorted(
        name.lstrip("/")
        for item in listed
        for name in item["Names"]
        if name.lstrip("/").startswith(deployment)
    )


def test_a_final_start_the_engine_refuses_restarts_the_old_container(
    docker_env: EdgeEnv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = docker_env.engines["edge-a"]
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        taken = blocker.getsockname()[1]
        with edge_repo(tmp_path, docker_env, "cutover-refused") as repo:
            repo.hosts = [docker_env.host_entry("edge-a")]
            repo.pin("1")
            assert repo.run("apply") == 0
            before = serving(engine, repo.name)
            assert before is not None
            capsys.readouterr()

            repo.container = {
                "ports": [{"container": 8080, "host": taken, "hostIp": "127.0.0.1"}]
            }
            repo.pin("2")
            assert repo.run("apply") == 1

            out = capsys.readouterr().out
            assert "host edge-a:" in out
            after = serving(engine, repo.name)
            assert after is not None and after["Id"] == before["Id"]
            assert after["State"]["Running"]
            assert get_version(published_port(after)) == "1"
            assert _names(docker_env, "edge-a", repo.name) == [repo.name]


def test_a_digest_the_registry_lacks_fails_the_host_and_is_retried(
    docker_env: EdgeEnv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with edge_repo(tmp_path, docker_env, "pull-missing") as repo:
        doc = yaml.safe_load(model_document(docker_env))
        repository = docker_env.images["v1"].partition("@")[0]
        doc["spec"]["versions"].append(
            {
                "version": "9",
                "created": "2026-11-01T10:00:00Z",
                "artifacts": {"image": f"{repository}@sha256:{'0' * 64}"},
            }
        )
        repo.write("models/churn.yaml", yaml.safe_dump(doc))
        repo.hosts = [docker_env.host_entry("edge-a")]
        repo.pin("1")
        assert repo.run("apply") == 0
        repo.pin("9")
        capsys.readouterr()

        assert repo.run("apply") == 1
        assert "pull" in capsys.readouterr().out
        assert served_version(serving(docker_env.engines["edge-a"], repo.name)) == "1"
        assert repo.run("plan", "--detailed-exitcode") == 2
        planned = capsys.readouterr().out
        assert "held" not in planned
        assert "@9" in planned or " 9" in planned
