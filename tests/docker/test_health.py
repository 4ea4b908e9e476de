"""A version that fails its health check never replaces the serving one."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.docker.engines import EdgeEnv
from tests.docker.gitops import (
    edge_repo,
    get_version,
    published_port,
    served_version,
    serving,
)

HOSTS = ("edge-a", "edge-b", "edge-ssh")


class ProbeLoop:
    """Asks every host's published port for its version until stopped."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = ports
        self.seen: dict[str, set[str | None]] = {name: set() for name in ports}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self.stopped.is_set():
            for name, port in self.ports.items():
                self.seen[name].add(get_version(port))
            self.stopped.wait(0.05)  # pace the loop; it does not wait for anything

    def __enter__(self) -> ProbeLoop:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()


@pytest.mark.parametrize("bad_version", ["4", "5"], ids=["unhealthy", "crashloop"])
def test_failed_health_check_leaves_every_host_serving_the_previous_version(
    docker_env: EdgeEnv,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    bad_version: str,
) -> None:
    with edge_repo(tmp_path, docker_env, f"health-{bad_version}") as repo:
        repo.hosts = [docker_env.host_entry(name) for name in HOSTS]
        repo.pin("1")
        assert repo.run("apply") == 0
        before = {n: serving(docker_env.engines[n], repo.name) for n in HOSTS}
        ports = {n: published_port(info) for n, info in before.items() if info}
        capsys.readouterr()

        repo.pin(bad_version)
        with ProbeLoop(ports) as probes:
            assert repo.run("apply") == 1

        assert probes.seen == {name: {"1"} for name in HOSTS}
        after = {n: serving(docker_env.engines[n], repo.name) for n in HOSTS}
        assert {n: served_version(info) for n, info in after.items()} == {
            n: "1" for n in HOSTS
        }
        ids = {n: (after[n] or {}).get("Id") for n in HOSTS}
        assert ids == {n: (before[n] or {}).get("Id") for n in HOSTS}
        out = capsys.readouterr().out
        for name in HOSTS:
            assert f"host {name}:" in out
        assert repo.run("status") == 0
        assert "failed" in capsys.readouterr().out
