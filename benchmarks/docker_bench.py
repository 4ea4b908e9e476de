"""Docker target benchmark, run side by side in one process on real engines.

1. Fleet plan: 50 logical hosts spread over the test engines, each behind a loopback
   TCP proxy adding 50 ms per round trip and counting requests; plan wall time for
   the fleet vs for one host, and requests per host.
2. Swap: apply of a version change on one host vs a plain docker-SDK script doing the
   same pull, trial check, cut-over and final check; the ratio, and the longest
   service gap a probe loop sees during each.

Run as root after `bash scripts/docker-test-env.sh`:  python benchmarks/docker_bench.py
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gitops_ml.cli import main
from tests.docker import engines
from tests.docker.gitops import (
    edge_repo,
    get_version,
)
from tests.docker.proxy import Proxy

HOSTS = 50
DELAY = 0.05


def fleet_plan(env: engines.EdgeEnv, tmp: Path) -> dict[str, float]:
    names = ["edge-a", "edge-b"]
    proxies = [
        Proxy(str(env.engines[names[i % 2]].socket), delay=DELAY) for i in range(HOSTS)
    ]
    with edge_repo(tmp / "fleet", env, "bench-fleet") as repo:
        fleet_hosts = [
            {"name": f"site-{i:02d}", "url": p.url} for i, p in enumerate(proxies)
        ]
        # one container per engine; the 50 logical hosts then all observe in sync
        repo.hosts = fleet_hosts[:2]
        repo.pin("1")
        assert repo.run("apply") == 0
        repo.hosts = fleet_hosts
        repo.pin("1", "fleet")
        for proxy in proxies:
            proxy.reset()
        start = time.perf_counter()
        assert main(["plan", "--detailed-exitcode", *repo.args]) == 0
        fleet = time.perf_counter() - start
        requests = sum(len(p.requests) for p in proxies) / HOSTS
        writes = sum(len(p.writes) for p in proxies)
        repo.hosts = repo.hosts[:1]
        repo.pin("1", "one host")
        start = time.perf_counter()
        assert main(["plan", *repo.args]) == 0
        one = time.perf_counter() - start
    for proxy in proxies:
        proxy.close()
    return {
        "fleet_s": fleet,
        "one_s": one,
        "requests_per_host": requests,
        "writes": writes,
    }


class GapProbe:
    def __init__(self, port: int) -> None:
        self.port, self.gap, self.stop = port, 0.0, threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        down_since = None
        while not self.stop.is_set():
            ok = get_version(self.port) is not None
            now = time.perf_counter()
            if not ok and down_since is None:
                down_since = now
            if ok and down_since is not None:
                self.gap = max(self.gap, now - down_since)
                down_since = None
            self.stop.wait(0.01)


def swap_with_gitops(env: engines.EdgeEnv, tmp: Path, port: int) -> tuple[float, float]:
    with edge_repo(tmp / "swap", env, "bench-swap") as repo:
        repo.hosts = [env.host_entry("edge-b")]
        repo.container = {
            "ports": [{"container": 8080, "host": port, "hostIp": "127.0.0.1"}]
        }
        repo.pin("1")
        assert repo.run("apply") == 0
        repo.pin("2")
        probe = GapProbe(port)
        probe.thread.start()
        start = time.perf_counter()
        assert repo.run("apply") == 0
        took = time.perf_counter() - start
        probe.stop.set()
        probe.thread.join()
        assert get_version(port) == "2"
    return took, probe.gap


def swap_with_sdk(
    env: engines.EdgeEnv, port: int, parts: dict[str, float]
) -> tuple[float, float]:
    """The same steps, written directly against the docker SDK; ``parts`` gets the
    cut-over's timings: stop call, start call, first answer after the start."""
    from gitops_ml.targets.docker.probe import Checker, Probe, loopback_dialer

    client = env.engines["edge-b"].client()
    api = client.api
    probe = Probe("/health", 8080, successes=3, interval=0.3, timeout=6)
    checker = Checker(client, loopback_dialer)

    def run(image: str, name: str, ports: dict[str, object]) -> str:
        repo, _, digest = image.partition("@")
        for _event in api.pull(repo, tag=digest, stream=True, decode=True):
            pass
        host_config = api.create_host_config(port_bindings=ports, init=True)
        return str(
            api.create_container(
                image, name=name, ports=[8080], host_config=host_config
            )["Id"]
        )

    old = run(env.images["v1"], "sdk-swap", {"8080/tcp": ("127.0.0.1", port)})
    api.start(old)
    checker.prove(old, probe)
    gap = GapProbe(port)
    gap.thread.start()
    start = time.perf_counter()
    trial = run(env.images["v2"], "sdk-swap.trial", {"8080/tcp": ("127.0.0.1", None)})
    api.start(trial)
    checker.prove(trial, probe)
    api.remove_container(trial, force=True)
    final = run(env.images["v2"], "sdk-swap.next", {"8080/tcp": ("127.0.0.1", port)})
    t0 = time.perf_counter()
    api.stop(old, timeout=10)
    t1 = time.perf_counter()
    api.start(final)
    t2 = time.perf_counter()
    while get_version(port) is None and time.perf_counter() - t2 < 10:
        pass
    parts.update(stop=t1 - t0, start=t2 - t1, answer=time.perf_counter() - t2)
    checker.prove(final, probe)
    api.remove_container(old, force=True)
    api.rename(final, "sdk-swap")
    took = time.perf_counter() - start
    gap.stop.set()
    gap.thread.join()
    api.remove_container(final, force=True)
    client.close()
    return took, gap.gap


def report() -> None:
    reason = engines.unavailable_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as folder, engines.running() as env:
        tmp = Path(folder)
        os.environ["HOME"] = str(tmp)
        for role in ("AUTHOR", "COMMITTER"):
            os.environ[f"GIT_{role}_NAME"] = "Benchmark"
            os.environ[f"GIT_{role}_EMAIL"] = "bench@example.com"
        fleet = fleet_plan(env, tmp)
        print(
            f"fleet plan, {HOSTS} hosts, +{DELAY * 1000:.0f} ms per round trip: "
            f"{fleet['fleet_s']:.2f} s vs one host {fleet['one_s']:.2f} s "
            f"(ratio {fleet['fleet_s'] / fleet['one_s']:.1f}); "
            f"{fleet['requests_per_host']:.1f} requests per host, "
            f"{fleet['writes']:.0f} writes"
        )
        port = engines.free_port()
        parts: dict[str, float] = {}
        sdk, sdk_gap = swap_with_sdk(env, port, parts)
        ours, our_gap = swap_with_gitops(env, tmp, port)
        print(
            f"swap on one host: gitops-ml apply {ours:.2f} s vs plain SDK script "
            f"{sdk:.2f} s (ratio {ours / sdk:.2f}); "
            f"service gap {our_gap * 1000:.0f} ms vs {sdk_gap * 1000:.0f} ms"
        )
        print(
            f"cut-over of the plain script: stop call {parts['stop'] * 1000:.0f} ms, "
            f"start call {parts['start'] * 1000:.0f} ms, first answer "
            f"{parts['answer'] * 1000:.0f} ms after the start returned"
        )


if __name__ == "__main__":
    report()
