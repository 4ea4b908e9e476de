"""Containers stopped or removed by hand are drift; --repair restores them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docker.engines import EdgeEnv
from tests.docker.gitops import edge_repo, served_version, serving


@pytest.mark.parametrize("by_hand", ["stop", "remove"])
def test_container_changed_by_hand_is_drift_and_repair_restores_it(
    docker_env: EdgeEnv, tmp_path: Path, by_hand: str
) -> None:
    engine = docker_env.engines["edge-b"]
    with edge_repo(tmp_path, docker_env, f"drift-{by_hand}") as repo:
        repo.hosts = [docker_env.host_entry("edge-a"), docker_env.host_entry("edge-b")]
        repo.pin("2")
        assert repo.run("apply") == 0
        assert repo.run("drift", "--detailed-exitcode") == 0

        info = serving(engine, repo.name)
        assert info is not None
        client = engine.client()
        if by_hand == "stop":
            client.api.stop(info["Id"], timeout=5)
        else:
            client.api.remove_container(info["Id"], force=True)
        client.close()

        assert repo.run("drift", "--detailed-exitcode") == 2
        assert repo.run("drift", "--repair") == 0
        assert served_version(serving(engine, repo.name)) == "2"
        assert repo.run("drift", "--detailed-exitcode") == 0
