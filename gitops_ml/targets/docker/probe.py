"""Prove a container healthy: N consecutive successes and no restart in the window.

The HTTP probe reaches the container's published port on the host's loopback: directly
when the engine is on this machine, through the SSH connection (a direct-tcpip channel)
for ssh:// hosts.  Where neither is possible, the image's HEALTHCHECK (or, without one,
the container staying up) is the evidence.
"""

from __future__ import annotations

import http.client
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import docker
import paramiko

from gitops_ml.errors import TargetError, VersionRejected

Dialer = Callable[[int], socket.socket | Any]
_DURATION = re.compile(r"^([0-9.]+)(ms|s|m)?$")


@dataclass(frozen=True)
class Probe:
    path: str | None = None
    port: int | None = None
    use_image: bool = False
    successes: int = 3
    interval: float = 1.0
    timeout: float = 60.0

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Probe:
        health = spec.get("health") or {}
        http = health.get("http") or {}
        return cls(
            path=http.get("path", "/") if http else None,
            port=http.get("port"),
            use_image=bool(health.get("useImageHealthcheck")),
            successes=int(health.get("successes", 3)),
            interval=seconds(health.get("interval", "1s")),
            timeout=seconds(health.get("timeout", "60s")),
        )


def seconds(text: str) -> float:
    match = _DURATION.match(str(text))
    if not match:
        raise TargetError(
            f"duration '{text}' is not like 500ms, 2s or 1m",
            hint="fix the health probe in the environment",
        )
    factor = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[match.group(2)]
    return float(match.group(1)) * factor


class HealthFailed(VersionRejected):
    """A version failed its health check; ``results`` are the probe lines."""

    def __init__(self, message: str, results: list[str]) -> None:
        super().__init__(
            message,
            hint="fix the image or its health probe; the previous version keeps "
            "serving",
        )
        self.results = results


@dataclass
class Checker:
    client: docker.DockerClient
    dialer: Dialer | None
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic

    def prove(self, container: str, probe: Probe) -> list[str]:
        """Probe results; raises HealthFailed (old version keeps serving)."""
        results: list[str] = []
        first = self._inspect(container)
        started = first["State"].get("StartedAt")
        deadline = self.monotonic() + probe.timeout
        streak = 0
        while True:
            info = self._inspect(container)
            crash = _crashed(info, started)
            if crash:
                results.append(crash)
                raise HealthFailed(crash, results=results)
            ok, line = self._once(info, probe)
            results.append(line)
            streak = streak + 1 if ok else 0
            if streak >= probe.successes:
                return results
            if self.monotonic() + probe.interval > deadline:
                raise HealthFailed(
                    f"not healthy within {probe.timeout:g}s: {line}", results=results
                )
            self.sleep(probe.interval)

    def _inspect(self, container: str) -> dict[str, Any]:
        info: dict[str, Any] = self.client.api.inspect_container(container)
        return info

    def _once(self, info: dict[str, Any], probe: Probe) -> tuple[bool, str]:
        if probe.port is not None and self.dialer is not None:
            host_port = _published(info, probe.port)
            if host_port is not None:
                return self._http(host_port, probe)
        health = (info["State"].get("Health") or {}).get("Status")
        if health is not None:
            return health == "healthy", f"image healthcheck: {health}"
        return True, "running"

    def _http(self, port: int, probe: Probe) -> tuple[bool, str]:
        assert self.dialer is not None
        path = probe.path or "/"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.sock = self.dialer(port)
            connection.request("GET", path)
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException, paramiko.SSHException) as exc:
            return False, f"GET {path}: {exc.__class__.__name__}: {exc}"
        finally:
            connection.close()
        return 200 <= status < 400, f"GET {path} -> {status}"


def _crashed(info: dict[str, Any], started: str | None) -> str:
    state = info["State"]
    if not state.get("Running") or state.get("Restarting"):
        return f"container exited (exit code {state.get('ExitCode')})"
    if info.get("RestartCount") or state.get("StartedAt") != started:
        return "container restarted during the health check"
    return ""


def _published(info: dict[str, Any], port: int) -> int | None:
    ports = (info.get("NetworkSettings") or {}).get("Ports") or {}
    for binding in ports.get(f"{port}/tcp") or []:
        if binding.get("HostIp") in ("127.0.0.1", "0.0.0.0", "", "::"):
            return int(binding["HostPort"])
    if (info.get("HostConfig") or {}).get("NetworkMode") == "host":
        return port
    return None


def loopback_dialer(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def tunnel_dialer(transport: Any) -> Dialer:
    def dial(port: int) -> Any:
        channel = transport.open_channel(
            "direct-tcpip", ("127.0.0.1", port), ("127.0.0.1", 0), timeout=5
        )
        channel.settimeout(5)
        return channel

    return dial
