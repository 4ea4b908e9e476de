"""A GitOps repo pointed at the test engines: one model whose versions are the test
images, one docker environment per test (its own name, so tests never share
containers), committed on main with a bare origin."""

from __future__ import annotations

import http.client
import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from gitops_ml.cli import main
from tests.conftest import GitRepo
from tests.docker import engines
from tests.docker.engines import EdgeEnv

MODEL = "churn"
# model version -> test image
VERSIONS = {"1": "v1", "2": "v2", "3": "v3", "4": "unhealthy", "5": "crashloop"}
FAST_HEALTH = {
    "http": {"path": "/health", "port": 8080},
    "successes": 3,
    "interval": "300ms",
    "timeout": "6s",
}


class EdgeRepo(GitRepo):
    def __init__(self, path: Path, env: EdgeEnv, name: str) -> None:
        super().__init__(path)
        self.env = env
        self.name = name
        self.hosts: list[dict[str, Any]] = []
        self.extra_target: dict[str, Any] = {}
        self.container: dict[str, Any] = {}

    @property
    def args(self) -> list[str]:
        return ["--env", self.name, "--repo", str(self.path)]

    def pin(self, version: str, message: str = "") -> str:
        document = {
            "apiVersion": "gitops-ml/v1",
            "kind": "Environment",
            "metadata": {"name": self.name},
            "spec": {
                "target": {"type": "docker", "hosts": self.hosts, **self.extra_target},
                "deployments": [
                    {
                        "name": self.name,
                        "model": MODEL,
                        "version": version,
                        "container": {
                            "ports": [{"container": 8080, "hostIp": "127.0.0.1"}],
                            "health": FAST_HEALTH,
                            "restartPolicy": "unless-stopped",
                            "init": True,
                            **self.container,
                        },
                    }
                ],
            },
        }
        self.write(f"environments/{self.name}.yaml", yaml.safe_dump(document))
        sha = self.commit(message or f"{self.name}: {MODEL} {version}")
        self.git("push", "-q", "origin", "main")
        return sha

    def run(self, *command: str) -> int:
        return main([*command, "-vv", *self.args])


def model_document(env: EdgeEnv) -> str:
    versions = [
        {
            "version": version,
            "created": "2026-11-01T10:00:00Z",
            "artifacts": {"image": env.images[image]},
        }
        for version, image in VERSIONS.items()
    ]
    return yaml.safe_dump(
        {
            "apiVersion": "gitops-ml/v1",
            "kind": "Model",
            "metadata": {"name": MODEL},
            "spec": {"versions": versions},
        }
    )


@contextmanager
def edge_repo(tmp_path: Path, env: EdgeEnv, name: str) -> Iterator[EdgeRepo]:
    origin = tmp_path / "origin.git"
    subprocess.run(
        ["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True
    )
    work = tmp_path / "gitops"
    work.mkdir()
    repo = EdgeRepo(work, env, name)
    repo.git("init", "-q", "-b", "main")
    repo.git("remote", "add", "origin", str(origin))
    repo.write(f"models/{MODEL}.yaml", model_document(env))
    try:
        yield repo
    finally:
        remove_environment(env, name)


def remove_environment(env: EdgeEnv, name: str) -> None:
    """Remove every container the test's environment left on every engine."""
    for engine in env.engines.values():
        client = engine.client()
        for item in client.containers.list(
            all=True, sparse=True, filters={"label": f"io.gitops-ml.environment={name}"}
        ):
            client.api.remove_container(item.id, force=True)
        client.close()


def serving(engine: engines.Engine, name: str) -> dict[str, Any] | None:
    """The container serving deployment ``name`` on ``engine`` (full inspect)."""
    client = engine.client()
    try:
        found = client.api.containers(all=True, filters={"name": f"^/{name}$"})
        return client.api.inspect_container(found[0]["Id"]) if found else None
    finally:
        client.close()


def published_port(info: dict[str, Any]) -> int:
    return int(info["NetworkSettings"]["Ports"]["8080/tcp"][0]["HostPort"])


def served_version(info: dict[str, Any] | None) -> str | None:
    if info is None or not info["State"]["Running"]:
        return None
    return get_version(published_port(info))


def get_version(port: int) -> str | None:
    """The model version answering on 127.0.0.1:``port``, None if none answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/v1/models/churn")
        reply = connection.getresponse()
        if reply.status != 200:
            return None
        version: str = json.loads(reply.read())["version"]
        return version
    except OSError:
        return None
    finally:
        connection.close()


def events_since(engine: engines.Engine, since: float, until: float) -> list[str]:
    """What changed on ``engine`` (the engine's own health-check execs left out)."""
    client = engine.client()
    try:
        events = client.events(since=since, until=until, decode=True)
        return [
            f"{event['Type']} {event['Action']}"
            for event in events
            if not event["Action"].startswith(("exec_", "health_status"))
        ]
    finally:
        client.close()
