"""With waves, a wave that fails beyond its budget stops the rollout."""

from __future__ import annotations

import time
from pathlib import Path

from tests.docker.engines import EdgeEnv
from tests.docker.gitops import edge_repo, events_since, served_version, serving


def test_hosts_after_a_failed_wave_are_untouched(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    with edge_repo(tmp_path, docker_env, "waves") as repo:
        canary, main = ["edge-a"], ["edge-b", "edge-tls"]
        repo.hosts = [
            {**docker_env.host_entry(name), "labels": {"wave": "canary"}}
            for name in canary
        ] + [
            {**docker_env.host_entry(name), "labels": {"wave": "main"}} for name in main
        ]
        repo.extra_target = {
            "waves": [
                {"name": "canary", "selector": {"wave": "canary"}},
                {"name": "main", "selector": {"wave": "main"}},
            ],
            "maxUnavailable": 0,
        }
        repo.pin("1")
        assert repo.run("apply") == 0

        repo.pin("4")
        since = time.time()
        assert repo.run("apply") == 1
        until = time.time() + 1

        for name in main:
            assert events_since(docker_env.engines[name], since, until) == []
            assert served_version(serving(docker_env.engines[name], repo.name)) == "1"
        assert events_since(docker_env.engines["edge-a"], since, until)


def test_a_failed_host_within_the_budget_lets_the_next_wave_roll_out(
    docker_env: EdgeEnv, tmp_path: Path
) -> None:
    with edge_repo(tmp_path, docker_env, "budget") as repo:
        repo.hosts = [
            {**docker_env.host_entry("edge-a"), "labels": {"wave": "canary"}},
            {
                "name": "gone",
                "url": "unix:///nonexistent/docker.sock",
                "labels": {"wave": "canary"},
            },
            {**docker_env.host_entry("edge-b"), "labels": {"wave": "main"}},
        ]
        repo.extra_target = {
            "waves": [
                {"name": "canary", "selector": {"wave": "canary"}},
                {"name": "main", "selector": {"wave": "main"}},
            ],
            "maxUnavailable": 1,
        }
        repo.pin("2")
        assert repo.run("apply") == 1
        for name in ("edge-a", "edge-b"):
            assert served_version(serving(docker_env.engines[name], repo.name)) == "2"
