"""A host that cannot be reached is reported, not planned, and fails on its own."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.docker import engines
from tests.docker.engines import EdgeEnv
from tests.docker.gitops import edge_repo, events_since, served_version, serving


def _closed_port_host() -> dict[str, object]:
    return {"name": "gone", "url": f"tcp://127.0.0.1:{engines.free_port()}"}


def test_unreachable_host_is_not_planned_and_apply_fails_it_alone(
    docker_env: EdgeEnv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with edge_repo(tmp_path, docker_env, "unreachable") as repo:
        repo.hosts = [docker_env.host_entry("edge-a"), _closed_port_host()]
        repo.pin("1")

        assert repo.run("status") == 0
        out = capsys.readouterr().out
        assert f"{repo.name}: unknown" in out
        assert "site gone: unreachable" in out

        assert repo.run("plan") == 0
        out = capsys.readouterr().out
        assert "note: host gone is unreachable, its objects are not planned" in out
        assert f"edge-a/{repo.name}" in out
        assert f"gone/{repo.name}" not in out

        assert repo.run("apply") == 1
        out = capsys.readouterr().out
        assert "host gone: not changed" in out
        assert served_version(serving(docker_env.engines["edge-a"], repo.name)) == "1"


def test_tls_host_with_a_missing_certificate_names_the_file_and_field(
    docker_env: EdgeEnv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with edge_repo(tmp_path, docker_env, "missing-cert") as repo:
        tls_host = docker_env.host_entry("edge-tls")
        tls_host["tls"] = {**tls_host["tls"], "clientCert": "certs/cert.pem"}  # type: ignore[dict-item]
        repo.hosts = [docker_env.host_entry("edge-a"), tls_host]
        repo.pin("1")
        assert repo.run("status") == 0
        out = capsys.readouterr().out
        assert "certs/cert.pem does not exist (hosts[1].tls.clientCert)" in out
        assert f"environments/{repo.name}.yaml:" in out
        assert "next: put the file there or fix the path" in out
        assert "client_cert param" not in out


def test_a_wrong_pinned_host_key_is_refused_naming_the_host(
    docker_env: EdgeEnv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other_key = engines._public_line(ed25519.Ed25519PrivateKey.generate())
    with edge_repo(tmp_path, docker_env, "wrong-key") as repo:
        repo.hosts = [{**docker_env.host_entry("edge-ssh"), "hostKey": other_key}]
        repo.pin("1")
        since = time.time()
        assert repo.run("apply") == 1
        until = time.time() + 1
        out = capsys.readouterr().out
        assert "host 'edge-ssh': refused: its SSH host key ssh-ed25519 SHA256:" in out
        assert "is not the pinned hostKey" in out
        assert events_since(docker_env.engines["edge-ssh"], since, until) == []
        assert serving(docker_env.engines["edge-ssh"], repo.name) is None
