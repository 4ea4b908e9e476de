"""gitops-ml never touches containers or images it did not create or deploy."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from tests.docker.engines import EdgeEnv
from tests.docker.gitops import edge_repo, served_version, serving


def _unmanaged(docker_env: EdgeEnv, name: str) -> str:
    client = docker_env.engines["edge-a"].client()
    try:
        created = client.api.create_container(
            docker_env.images["v3"].replace("@", "@"),
            name=name,
            labels={"team": "someone-else"},
            host_config=client.api.create_host_config(init=True),
        )
        client.api.start(created["Id"])
        return str(created["Id"])
    finally:
        client.close()


def _state(docker_env: EdgeEnv, container: str) -> tuple[str, str]:
    client = docker_env.engines["edge-a"].client()
    try:
        info = client.api.inspect_container(container)
        return info["State"]["Status"], info["State"]["StartedAt"]
    finally:
        client.close()


def _pull_v3(docker_env: EdgeEnv) -> None:
    client = docker_env.engines["edge-a"].client()
    repo, _, digest = docker_env.images["v3"].partition("@")
    client.api.pull(repo, tag=digest)
    client.close()


def test_name_held_by_an_unmanaged_container_is_an_error_saying_so(
    docker_env: EdgeEnv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pull_v3(docker_env)
    with edge_repo(tmp_path, docker_env, "taken-name") as repo:
        other = _unmanaged(docker_env, repo.name)
        before = _state(docker_env, other)
        repo.hosts = [docker_env.host_entry("edge-a")]
        repo.pin("1")
        assert repo.run("apply") == 1
        assert "does not manage" in capsys.readouterr().out
        assert _state(docker_env, other) == before
        client = docker_env.engines["edge-a"].client()
        client.api.remove_container(other, force=True)
        client.close()


def test_apply_and_repair_leave_unmanaged_containers_alone(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    _pull_v3(docker_env)
    with edge_repo(tmp_path, docker_env, "neighbours") as repo:
        other = _unmanaged(docker_env, "neighbour-app")
        before = _state(docker_env, other)
        repo.hosts = [docker_env.host_entry("edge-a")]
        repo.extra_target = {"keepImages": 0}
        repo.pin("1")
        assert repo.run("apply") == 0
        repo.pin("2")
        assert repo.run("apply") == 0
        assert repo.run("drift", "--repair") == 0
        assert served_version(serving(docker_env.engines["edge-a"], repo.name)) == "2"
        assert _state(docker_env, other) == before
        client = docker_env.engines["edge-a"].client()
        client.api.remove_container(other, force=True)
        client.close()


def _references(client: docker.DockerClient, repository: str) -> set[str]:
    return {
        ref
        for image in client.api.images(name=repository)
        for ref in (image.get("RepoTags") or []) + (image.get("RepoDigests") or [])
    }


def test_image_cleanup_removes_only_images_it_deployed(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    client = docker_env.engines["edge-b"].client()
    repository, _, digest = docker_env.images["v3"].partition("@")
    client.api.pull(repository, tag=digest)  # a person's image, no container
    client.api.tag(docker_env.images["v3"], repository, "mine")
    try:
        with edge_repo(tmp_path, docker_env, "own-images") as repo:
            repo.hosts = [docker_env.host_entry("edge-b")]
            repo.extra_target = {"keepImages": 0}
            repo.pin("1")
            assert repo.run("apply") == 0
            repo.pin("2")
            assert repo.run("apply") == 0
            left = _references(client, repository)
        assert f"{repository}:mine" in left
        assert docker_env.images["v1"] not in left
        assert docker_env.images["v2"] in left
    finally:
        client.api.remove_image(f"{repository}:mine")
        client.close()
