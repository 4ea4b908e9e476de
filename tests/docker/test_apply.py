"""apply brings every host, whatever its transport, to the desired version."""

from __future__ import annotations

import time
from pathlib import Path

from tests.docker.engines import EdgeEnv
from tests.docker.gitops import edge_repo, events_since, served_version, serving
from tests.docker.proxy import Proxy

ALL = ("edge-a", "edge-b", "edge-tls", "edge-ssh")


def test_apply_brings_unix_tls_and_ssh_hosts_to_the_desired_version(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    with edge_repo(tmp_path, docker_env, "apply-all") as repo:
        repo.hosts = [docker_env.host_entry(name) for name in ALL]
        repo.pin("1")
        assert repo.run("apply") == 0
        assert {
            n: served_version(serving(docker_env.engines[n], repo.name)) for n in ALL
        } == {n: "1" for n in ALL}
        repo.pin("2")
        assert repo.run("apply") == 0
        versions = {
            n: served_version(serving(docker_env.engines[n], repo.name)) for n in ALL
        }
        assert versions == {n: "2" for n in ALL}
        assert repo.run("plan", "--detailed-exitcode") == 0


def test_second_apply_issues_no_write_request(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    proxies = {
        name: Proxy(str(docker_env.engines[name].socket))
        for name in ("edge-a", "edge-b")
    }
    with edge_repo(tmp_path, docker_env, "no-writes") as repo:
        repo.hosts = [
            {"name": name, "url": proxy.url} for name, proxy in proxies.items()
        ] + [docker_env.host_entry("edge-tls"), docker_env.host_entry("edge-ssh")]
        repo.pin("1")
        assert repo.run("apply") == 0
        for proxy in proxies.values():
            assert proxy.writes
            proxy.reset()

        since = time.time()
        assert repo.run("apply") == 0
        until = time.time() + 1

        assert {n: p.writes for n, p in proxies.items()} == {"edge-a": [], "edge-b": []}
        assert {n: len(p.requests) for n, p in proxies.items()} == {
            "edge-a": 1,
            "edge-b": 1,
        }
        for name in ALL:
            assert events_since(docker_env.engines[name], since, until) == []
    for proxy in proxies.values():
        proxy.close()
