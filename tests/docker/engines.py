"""Real Docker engines for the Docker target's tests and benchmark.

``start(base)`` starts, each with its own socket, data root, exec root and bridge:
two plain engines over unix sockets, one also listening on tcp:// with TLS (test-made
certificates), one reached over ssh:// through a local sshd (generated, pinned host key
and a generated client key), plus a registry on 127.0.0.1:5000 holding FROM-scratch
busybox model-server images. ``stop(env)`` stops all of it by PID. Leftovers of an
earlier run under the same base folder are cleaned first; a second run on the same
machine (the bridges are fixed) waits on a file lock until the first has stopped.
Nothing binds beyond 127.0.0.1, and a system engine on this machine is never touched.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import functools
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docker
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

REGISTRY = "127.0.0.1:5000"
IMAGE_REPO = f"{REGISTRY}/gitops-ml-test/churn"
BASE = Path("/tmp/gmdt")  # short: unix socket paths are limited to 108 bytes
TOOLS = ("dockerd", "containerd", "docker-init", "docker-registry", "ip", "docker")

# engine name -> (bridge, bridge address, listens on TLS, reached over ssh)
ENGINES: dict[str, tuple[str, str, bool, bool]] = {
    "edge-a": ("br-gmdt1", "172.29.101.1/24", False, False),
    "edge-b": ("br-gmdt2", "172.29.102.1/24", False, False),
    "edge-tls": ("br-gmdt3", "172.29.103.1/24", True, False),
    "edge-ssh": ("br-gmdt4", "172.29.104.1/24", False, True),
}


@dataclass
class Engine:
    name: str
    root: Path
    bridge: str
    address: str
    tls_port: int | None = None
    ssh: bool = False

    @property
    def socket(self) -> Path:
        return self.root / "docker.sock"

    @property
    def local_url(self) -> str:
        return f"unix://{self.socket}"

    def client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.local_url, version="1.41", timeout=60)


@dataclass
class EdgeEnv:
    base: Path
    engines: dict[str, Engine] = field(default_factory=dict)
    tls_dir: Path | None = None
    ssh_port: int | None = None
    ssh_host_key: str = ""  # "ssh-ed25519 AAAA..."
    ssh_identity: Path | None = None
    images: dict[str, str] = field(default_factory=dict)  # name -> repo@digest
    pids: list[Path] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    lock: int | None = None  # file descriptor holding the machine-wide run lock

    def host_entry(self, engine: str) -> dict[str, object]:
        """The environment YAML entry for one engine, the way a user writes it."""
        item = self.engines[engine]
        if item.tls_port and self.tls_dir:
            return {
                "name": engine,
                "url": f"tcp://127.0.0.1:{item.tls_port}",
                "tls": {
                    "caCert": str(self.tls_dir / "ca.pem"),
                    "clientCert": str(self.tls_dir / "cert.pem"),
                    "clientKey": str(self.tls_dir / "key.pem"),
                },
            }
        if item.ssh:
            return {
                "name": engine,
                "url": f"ssh://root@127.0.0.1:{self.ssh_port}",
                "hostKey": self.ssh_host_key,
                "identityFile": str(self.ssh_identity),
            }
        return {"name": engine, "url": item.local_url}


def unavailable_reason() -> str | None:
    """Why real engines cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return "starting Docker engines needs root"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return (
            f"missing {', '.join(missing)}: run bash scripts/docker-test-env.sh first"
        )
    if shutil.which("sshd") is None and not Path("/usr/sbin/sshd").exists():
        return "missing sshd: run bash scripts/docker-test-env.sh first"
    if not Path("/bin/busybox").exists():
        return "missing busybox-static: run bash scripts/docker-test-env.sh first"
    return None


def start(base: Path = BASE) -> EdgeEnv:
    """Start engines, sshd and registry; build and push the test images."""
    lock = os.open(f"{base}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)  # another run's engines use the same bridges
    cleanup(base)
    base.mkdir(parents=True, exist_ok=True)
    env = EdgeEnv(base=base, lock=lock)
    try:
        _start_registry(env)
        env.tls_dir = _make_tls(base / "tls")
        _start_engines(env)
        _start_sshd(env)
        _build_images(env)
    except BaseException:
        stop(env)
        raise
    return env


def stop(env: EdgeEnv) -> None:
    """Stop everything ``start`` started, by recorded PID, then remove its files."""
    _stop_pids(list(reversed(env.pids)))
    for process in env.processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    cleanup(env.base)
    if env.lock is not None:
        os.close(env.lock)  # releases the run lock
        env.lock = None


def cleanup(base: Path) -> None:
    """Stop leftovers of an earlier run under ``base`` and remove them."""
    if base.exists():
        _stop_pids(sorted(base.glob("**/*.pid")), owned_by=str(base))
        _unmount_under(base)
        shutil.rmtree(base, ignore_errors=True)
    for bridge, _address, _tls, _ssh in ENGINES.values():
        subprocess.run(["ip", "link", "del", bridge], capture_output=True, check=False)


# --- processes ---------------------------------------------------------------------


def _spawn(env: EdgeEnv, name: str, argv: list[str], log: Path) -> None:
    pid_file = env.base / f"{name}.pid"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    pid_file.write_text(str(process.pid))
    env.pids.append(pid_file)
    env.processes.append(process)


def _stop_pids(pid_files: list[Path], owned_by: str = "") -> None:
    pids = []
    for pid_file in pid_files:
        with contextlib.suppress(OSError, ValueError):
            pid = int(pid_file.read_text().strip())
            if owned_by and owned_by not in _cmdline(pid):
                continue
            os.kill(pid, signal.SIGTERM)
            pids.append(pid)
    deadline = time.monotonic() + 15
    for pid in pids:
        while _alive(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.05)
        _reap(pid)
        if _alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            _reap(pid)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _unmount_under(base: Path) -> None:
    mounts = [
        line.split()[1]
        for line in Path("/proc/mounts").read_text().splitlines()
        if line.split()[1].startswith(str(base) + "/")
    ]
    for mount in sorted(mounts, reverse=True):
        subprocess.run(["umount", "-l", mount], capture_output=True, check=False)


def _wait_for(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- registry ----------------------------------------------------------------------


def _start_registry(env: EdgeEnv) -> None:
    root = env.base / "registry"
    (root / "data").mkdir(parents=True)
    config = {
        "version": 0.1,
        "log": {"level": "warn", "accesslog": {"disabled": True}},
        "storage": {
            "filesystem": {"rootdirectory": str(root / "data")},
            "delete": {"enabled": True},
        },
        "http": {"addr": REGISTRY, "secret": "gitops-ml-tests"},
    }
    (root / "config.yml").write_text(json.dumps(config))
    _spawn(
        env,
        "registry",
        ["docker-registry", "serve", str(root / "config.yml")],
        root / "registry.log",
    )
    _wait_for(
        lambda: (
            urllib.request.urlopen(f"http://{REGISTRY}/v2/", timeout=1).status == 200
        ),
        "registry",
    )


# --- engines -----------------------------------------------------------------------


def _start_engines(env: EdgeEnv) -> None:
    for name, (bridge, address, tls, ssh) in ENGINES.items():
        engine = Engine(name, env.base / name, bridge, address, ssh=ssh)
        engine.tls_port = free_port() if tls else None
        env.engines[name] = engine
        _start_engine(env, engine)
    for engine in env.engines.values():
        _wait_for(functools.partial(_ping, engine), f"engine {engine.name}")


def _ping(engine: Engine) -> bool:
    with socket.socket(socket.AF_UNIX) as raw:
        raw.settimeout(2)
        raw.connect(str(engine.socket))
        raw.sendall(b"GET /_ping HTTP/1.0\r\n\r\n")
        return raw.recv(4096).endswith(b"OK")


def _start_engine(env: EdgeEnv, engine: Engine) -> None:
    for folder in ("data", "exec"):
        (engine.root / folder).mkdir(parents=True)
    subprocess.run(
        ["ip", "link", "add", engine.bridge, "type", "bridge"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["ip", "addr", "add", engine.address, "dev", engine.bridge], check=True
    )
    subprocess.run(["ip", "link", "set", engine.bridge, "up"], check=True)
    argv = [
        "dockerd",
        f"--host={engine.local_url}",
        f"--data-root={engine.root / 'data'}",
        f"--exec-root={engine.root / 'exec'}",
        f"--pidfile={engine.root / 'dockerd-own.pid.txt'}",
        f"--cgroup-parent=/gmdt-{engine.name}",
        f"--bridge={engine.bridge}",
        "--iptables=false",
        "--ip-masq=false",
        "--ip6tables=false",
        "--log-level=warn",
    ]
    if engine.tls_port and env.tls_dir:
        tls = env.tls_dir
        argv += [
            f"--host=tcp://127.0.0.1:{engine.tls_port}",
            "--tlsverify",
            f"--tlscacert={tls / 'ca.pem'}",
            f"--tlscert={tls / 'server-cert.pem'}",
            f"--tlskey={tls / 'server-key.pem'}",
        ]
    _spawn(env, f"dockerd-{engine.name}", argv, engine.root / "dockerd.log")


# --- TLS ---------------------------------------------------------------------------


def _make_tls(folder: Path) -> Path:
    folder.mkdir(parents=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gitops-ml test CA")])
    ca = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    _write_pem(folder / "ca.pem", ca.public_bytes(serialization.Encoding.PEM))
    for prefix, usage in (
        ("server-", ExtendedKeyUsageOID.SERVER_AUTH),
        ("", ExtendedKeyUsageOID.CLIENT_AUTH),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [x509.NameAttribute(NameOID.COMMON_NAME, prefix + "gitops-ml-test")]
        )
        builder = _builder(subject, ca_name, key.public_key(), now).add_extension(
            x509.ExtendedKeyUsage([usage]), critical=False
        )
        if usage == ExtendedKeyUsageOID.SERVER_AUTH:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [
                        x509.DNSName("localhost"),
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    ]
                ),
                critical=False,
            )
        cert = builder.sign(ca_key, hashes.SHA256())
        _write_pem(
            folder / f"{prefix}cert.pem", cert.public_bytes(serialization.Encoding.PEM)
        )
        _write_pem(folder / f"{prefix}key.pem", _private_pem(key))
    return folder


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    now: datetime.datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
    )


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _write_pem(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


# --- sshd --------------------------------------------------------------------------


def _start_sshd(env: EdgeEnv) -> None:
    folder = env.base / "sshd"
    folder.mkdir()
    Path("/run/sshd").mkdir(exist_ok=True)
    host_key = ed25519.Ed25519PrivateKey.generate()
    _write_openssh_key(folder / "host_key", host_key)
    env.ssh_host_key = _public_line(host_key)
    client_key = ed25519.Ed25519PrivateKey.generate()
    _write_openssh_key(folder / "client_key", client_key)
    env.ssh_identity = folder / "client_key"
    engine = next(e for e in env.engines.values() if e.ssh)
    # the key may only open the engine's socket: dial-stdio is forced
    forced = (
        f'command="DOCKER_HOST={engine.local_url} docker system dial-stdio",'
        "no-pty,no-agent-forwarding,no-X11-forwarding"
    )
    (folder / "authorized_keys").write_text(f"{forced} {_public_line(client_key)}\n")
    env.ssh_port = free_port()
    config = [
        f"ListenAddress 127.0.0.1:{env.ssh_port}",
        f"HostKey {folder / 'host_key'}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}",
        f"PidFile {folder / 'sshd-own.pid.txt'}",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "AllowTcpForwarding yes",
        "MaxSessions 64",
        "LogLevel ERROR",
    ]
    (folder / "sshd_config").write_text("\n".join(config) + "\n")
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    _spawn(
        env,
        "sshd",
        [sshd, "-D", "-e", "-f", str(folder / "sshd_config")],
        folder / "sshd.log",
    )
    _wait_for(lambda: _port_open(env.ssh_port or 0), "sshd")


def _write_openssh_key(path: Path, key: ed25519.Ed25519PrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    _write_pem(path, data)


def _public_line(key: ed25519.Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        .decode()
    )


def _port_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


# --- images ------------------------------------------------------------------------

HEALTH_CHECK = (
    "HEALTHCHECK --interval=1s --timeout=2s --start-period=1s --retries=2 CMD "
    '["/bin/busybox","wget","-q","-O","/dev/null","http://127.0.0.1:8080/health"]'
)
SERVE = 'ENTRYPOINT ["/bin/busybox","httpd","-f","-p","8080","-h","/www"]'
# serves for a moment, then exits: a restart policy makes it crash-loop
CRASH = (
    'ENTRYPOINT ["/bin/busybox","sh","-c",'
    '"/bin/busybox httpd -p 8080 -h /www; /bin/busybox sleep 0.3; exit 3"]'
)

# image name -> (version served, health file present, entrypoint)
IMAGES: dict[str, tuple[str, bool, str]] = {
    "v1": ("1", True, SERVE),
    "v2": ("2", True, SERVE),
    "v3": ("3", True, SERVE),
    "unhealthy": ("4", False, SERVE),
    "crashloop": ("5", True, CRASH),
}


def _build_images(env: EdgeEnv) -> None:
    builder = env.engines["edge-a"].client()
    try:
        for name, (version, healthy, entrypoint) in IMAGES.items():
            context = env.base / "images" / name
            _write_context(context, version, healthy, entrypoint)
            builder.images.build(
                path=str(context), tag=f"{IMAGE_REPO}:{name}", rm=True, forcerm=True
            )
            env.images[name] = _push(builder, name)
        # the builder engine must start clean like the others
        for image in builder.images.list():
            builder.images.remove(image.id, force=True)
    finally:
        builder.close()


def _write_context(context: Path, version: str, healthy: bool, entry: str) -> None:
    www = context / "www"
    (www / "v1" / "models").mkdir(parents=True)
    shutil.copy("/bin/busybox", context / "busybox")
    if healthy:
        (www / "health").write_text(json.dumps({"status": "ok", "version": version}))
    model = {"name": "churn", "version": version}
    (www / "v1" / "models" / "churn").write_text(json.dumps(model))
    (www / "predict").write_text(json.dumps({"version": version, "score": 0.5}))
    lines = [
        "FROM scratch",
        "COPY busybox /bin/busybox",
        "COPY www/ /www/",
        f"LABEL org.opencontainers.image.version={version}",
        "EXPOSE 8080",
        HEALTH_CHECK,
        entry,
    ]
    (context / "Dockerfile").write_text("\n".join(lines) + "\n")


def _push(client: docker.DockerClient, tag: str) -> str:
    digest = ""
    for event in client.images.push(IMAGE_REPO, tag=tag, stream=True, decode=True):
        if "error" in event:
            raise RuntimeError(f"push {tag}: {event['error']}")
        digest = (event.get("aux") or {}).get("Digest", digest)
    if not digest:
        raise RuntimeError(f"push {tag} reported no digest")
    return f"{IMAGE_REPO}@{digest}"


@contextlib.contextmanager
def running(base: Path = BASE) -> Iterator[EdgeEnv]:
    env = start(base)
    try:
        yield env
    finally:
        stop(env)
