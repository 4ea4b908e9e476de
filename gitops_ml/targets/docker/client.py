"""Connections to Docker hosts: unix://, tcp:// with TLS, ssh:// with a pinned key.

Every client pins API version 1.41, so opening one costs no ``GET /version``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import paramiko
from docker.tls import TLSConfig
from docker.transport.sshconn import SSHHTTPAdapter

from gitops_ml.errors import InputError, Location, TransientError

API_VERSION = "1.41"
TIMEOUT = 60
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class HostEntry:
    """One ``hosts`` item of an environment, with where it is written."""

    host: dict[str, Any]
    index: int
    root: Path  # the GitOps repo: relative file paths are read from there
    locate: Callable[[tuple[str, ...]], Location | None] = lambda _field: None

    @property
    def name(self) -> str:
        return str(self.host["name"])

    def file(self, *field: str) -> str:
        """The path a field names, which must exist; InputError says which one."""
        value = self.host
        for key in field:
            value = value[key]
        path = self.root / str(value)
        if not path.is_file():
            raise InputError(
                f"{value} does not exist (hosts[{self.index}].{'.'.join(field)})",
                hint="put the file there or fix the path (relative to the GitOps repo)",
                location=self.locate(field),
            )
        return str(path)


def connect(entry: HostEntry) -> docker.DockerClient:
    """A client for one host entry of an environment.

    Raises InputError for a mistake in the entry, TransientError when the host cannot
    be reached or refuses the connection.
    """
    host = entry.host
    url: str = host["url"]
    try:
        if url.startswith("ssh://"):
            return _ssh_client(entry)
        if url.startswith("tcp://"):
            return _tcp_client(entry)
        if not Path(url.removeprefix("unix://")).exists():
            # the SDK leaks a socket when the path is missing: fail first
            raise OSError(f"no socket at {url.removeprefix('unix://')}")
        return docker.DockerClient(base_url=url, version=API_VERSION, timeout=TIMEOUT)
    except paramiko.BadHostKeyException as exc:
        raise TransientError(
            f"host '{entry.name}': refused: its SSH host key "
            f"{_fingerprint(exc.key)} is not the pinned hostKey "
            f"{_fingerprint(exc.expected_key)}; nothing was sent to it",
            hint="if the host was re-installed, check its new key out of band "
            "(ssh-keyscan on a trusted network) and update hostKey",
        ) from None
    except paramiko.AuthenticationException as exc:
        raise TransientError(
            f"host '{entry.name}': SSH login refused: {exc}",
            hint="check identityFile and the user in the url",
        ) from None
    except paramiko.SSHException as exc:
        raise TransientError(
            f"host '{entry.name}': ssh failed: {exc}",
            hint="check the host's url and that sshd runs there",
        ) from None
    except (OSError, docker.errors.DockerException) as exc:
        raise TransientError(
            f"host '{host['name']}' is unreachable: {exc}",
            hint="check the host's url and that its Docker engine runs",
        ) from None


def _fingerprint(key: paramiko.PKey) -> str:
    return f"{key.get_name()} {key.fingerprint}"


def _tcp_client(entry: HostEntry) -> docker.DockerClient:
    host = entry.host
    tls = host.get("tls")
    if not tls:
        if urllib.parse.urlparse(host["url"]).hostname in LOOPBACK:
            return docker.DockerClient(
                base_url=host["url"], version=API_VERSION, timeout=TIMEOUT
            )
        raise InputError(
            f"host '{host['name']}' uses tcp:// without tls",
            hint="add tls: {caCert, clientCert, clientKey}; plain tcp is allowed "
            "only on this machine's loopback",
        )
    config = TLSConfig(
        client_cert=(
            entry.file("tls", "clientCert"),
            entry.file("tls", "clientKey"),
        ),
        ca_cert=entry.file("tls", "caCert"),
        verify=tls.get("verify", True),
    )
    client = docker.DockerClient(
        base_url=host["url"].replace("tcp://", "https://", 1),
        version=API_VERSION,
        timeout=TIMEOUT,
        tls=config,
    )
    # REQUESTS_CA_BUNDLE and friends would otherwise replace the pinned CA
    client.api.trust_env = False
    return client


class PinnedSSHAdapter(SSHHTTPAdapter):
    """The SDK's paramiko transport, trusting exactly one pinned host key."""

    def __init__(self, url: str, host_key: paramiko.PKey, identity: str | None):
        self._pinned = host_key
        self._identity = identity
        super().__init__(url, timeout=TIMEOUT, max_pool_size=4, shell_out=False)

    def _create_paramiko_client(self, base_url: str) -> None:
        # failed tunnel opens are probe results, not log noise
        logging.getLogger("paramiko").setLevel(logging.CRITICAL)
        parsed = urllib.parse.urlparse(base_url)
        self.ssh_client = paramiko.SSHClient()
        port = parsed.port or 22
        entry = parsed.hostname if port == 22 else f"[{parsed.hostname}]:{port}"
        self.ssh_client.get_host_keys().add(
            entry or "", self._pinned.get_name(), self._pinned
        )
        self.ssh_client.set_missing_host_key_policy(paramiko.RejectPolicy())
        self.ssh_params = {
            "hostname": parsed.hostname,
            "port": port,
            "username": parsed.username,
            "key_filename": self._identity,
            "look_for_keys": self._identity is None,
            "timeout": TIMEOUT,
        }


def _ssh_client(entry: HostEntry) -> docker.DockerClient:
    host = entry.host
    adapter = PinnedSSHAdapter(
        host["url"],
        parse_host_key(host["hostKey"], entry.name),
        entry.file("identityFile") if host.get("identityFile") else None,
    )
    client = docker.DockerClient(
        base_url="unix:///nonexistent", version=API_VERSION, timeout=TIMEOUT
    )
    client.api.mount("http+docker://ssh", adapter)
    client.api._custom_adapter = adapter
    client.api.base_url = "http+docker://ssh"
    return client


def parse_host_key(line: str, host: str) -> paramiko.PKey:
    """``ssh-ed25519 AAAA...`` (a known_hosts line's host field is allowed)."""
    fields = line.split()
    for index in range(len(fields) - 1):
        try:
            blob = base64.b64decode(fields[index + 1], validate=True)
            return paramiko.PKey.from_type_string(fields[index], blob)
        except (binascii.Error, paramiko.SSHException, ValueError):
            continue
    raise InputError(
        f"host '{host}': hostKey is not an SSH public key line",
        hint="paste the 'TYPE BASE64' part of what ssh-keyscan prints",
    )


def ssh_transport(client: docker.DockerClient) -> paramiko.Transport | None:
    """The live SSH transport of an ssh:// client (for probing through a tunnel)."""
    adapter = getattr(client.api, "_custom_adapter", None)
    if isinstance(adapter, PinnedSSHAdapter) and adapter.ssh_client:
        transport: paramiko.Transport | None = adapter.ssh_client.get_transport()
        return transport
    return None
