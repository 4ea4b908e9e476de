"""What gitops-ml keeps on a host itself: a lock and the record of what was applied.

Both are containers that never run, made from a one-label image with no layers, so
the single list call that observes a host also returns them.  A container name is
unique on an engine, which makes creating the lock container an atomic test-and-set.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import docker

from gitops_ml.errors import LeaseHeld, TargetError
from gitops_ml.targets.docker import spec as labels_

RECORD_IMAGE = "gitops-ml/record:1"
APPLIED = labels_.PREFIX + "applied"
FAILURES = labels_.PREFIX + "failures"
IMAGES = labels_.PREFIX + "images"
HOLDER = labels_.PREFIX + "holder"
EXPIRES = labels_.PREFIX + "expires"
LEASE_SECONDS = 1800


@dataclass
class HostRecord:
    """Per deployment: model, version, revision and spec hash of the last apply, and
    the image references (REPO@sha256:...) deployed on this host, oldest first: the
    only images image cleanup may remove."""

    applied: dict[str, dict[str, str]] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    container_id: str | None = None
    images: dict[str, list[str]] = field(default_factory=dict)

    def deployed(self, name: str, reference: str | None) -> None:
        """Remember ``reference`` as the newest image deployed for ``name``."""
        if not reference or "@sha256:" not in reference:
            return
        refs = [r for r in self.images.get(name, []) if r != reference]
        self.images[name] = [*refs, reference]

    @classmethod
    def from_labels(cls, labels: dict[str, str], container_id: str) -> HostRecord:
        return cls(
            json.loads(labels.get(APPLIED, "{}")),
            json.loads(labels.get(FAILURES, "[]")),
            container_id,
            json.loads(labels.get(IMAGES, "{}")),
        )


def lock_name(environment: str) -> str:
    return f"gitops-ml-{environment}.lock"


def record_name(environment: str) -> str:
    return f"gitops-ml-{environment}.record"


def ensure_record_image(client: docker.DockerClient) -> None:
    try:
        client.api.inspect_image(RECORD_IMAGE)
        return
    except docker.errors.ImageNotFound:
        pass
    dockerfile = (
        b"FROM scratch\nLABEL org.opencontainers.image.title=gitops-ml-record\n"
    )
    for event in client.api.build(
        fileobj=io.BytesIO(dockerfile), tag=RECORD_IMAGE, rm=True, decode=True
    ):
        if "error" in event:
            raise docker.errors.BuildError(event["error"], [])


@contextmanager
def host_lock(
    client: docker.DockerClient,
    environment: str,
    holder: str,
    now: dt.datetime,
) -> Iterator[None]:
    """One apply per host: a container named after the environment, with an expiry."""
    ensure_record_image(client)
    name = lock_name(environment)
    expires = now + dt.timedelta(seconds=LEASE_SECONDS)
    lock_labels = {
        labels_.MANAGED: labels_.MANAGER,
        labels_.ENVIRONMENT: environment,
        labels_.ROLE: "lock",
        HOLDER: holder,
        EXPIRES: expires.isoformat(timespec="seconds"),
    }
    _take(client, name, lock_labels, now)
    try:
        yield
    finally:
        client.api.remove_container(name, force=True)


def _take(
    client: docker.DockerClient, name: str, labels: dict[str, str], now: dt.datetime
) -> None:
    try:
        client.api.create_container(
            RECORD_IMAGE, command=["lock"], name=name, labels=labels
        )
        return
    except docker.errors.APIError as exc:
        if exc.status_code != 409:
            raise
    held = client.api.inspect_container(name)["Config"]["Labels"] or {}
    if held.get(labels_.MANAGED) != labels_.MANAGER:
        raise LeaseHeld(
            f"container name {name} is held by a container gitops-ml does not manage",
            hint="rename or remove that container",
        )
    expires = dt.datetime.fromisoformat(held.get(EXPIRES, "1970-01-01T00:00:00+00:00"))
    if expires > now:
        raise LeaseHeld(
            f"another apply holds this host: {held.get(HOLDER, 'unknown')} "
            f"until {held.get(EXPIRES)}",
            hint="wait for it to finish, then re-run",
        )
    client.api.remove_container(name, force=True)  # expired: its holder died
    client.api.create_container(
        RECORD_IMAGE, command=["lock"], name=name, labels=labels
    )


def write_record(
    client: docker.DockerClient,
    environment: str,
    record: HostRecord,
) -> None:
    """Replace the host's record (labels cannot change after a container is made)."""
    ensure_record_image(client)
    name = record_name(environment)
    if record.container_id:
        client.api.remove_container(record.container_id, force=True)
    record_labels = {
        labels_.MANAGED: labels_.MANAGER,
        labels_.ENVIRONMENT: environment,
        labels_.ROLE: "record",
        APPLIED: json.dumps(record.applied, sort_keys=True),
        FAILURES: json.dumps(record.failures, sort_keys=True),
        IMAGES: json.dumps(record.images, sort_keys=True),
    }
    created = create_owned(client, name, environment, record_labels)
    record.container_id = created


def create_owned(
    client: docker.DockerClient,
    name: str,
    environment: str,
    labels: dict[str, str],
) -> str:
    """Create a record container; a leftover of ours under the name is replaced."""
    try:
        return _create(client, name, labels)
    except docker.errors.APIError as exc:
        if exc.status_code != 409:
            raise
    check_owned(client, name, environment)
    client.api.remove_container(name, force=True)
    return _create(client, name, labels)


def _create(client: docker.DockerClient, name: str, labels: dict[str, str]) -> str:
    created = client.api.create_container(
        RECORD_IMAGE, command=["record"], name=name, labels=labels
    )
    return str(created["Id"])


def check_owned(client: docker.DockerClient, name: str, environment: str) -> None:
    """Raise unless the container called ``name`` is managed for ``environment``."""
    held = client.api.inspect_container(name)["Config"]["Labels"] or {}
    if (
        held.get(labels_.MANAGED) != labels_.MANAGER
        or held.get(labels_.ENVIRONMENT) != environment
    ):
        raise TargetError(
            f"container name {name} is held by a container gitops-ml does not "
            "manage; it was left alone",
            hint="rename or remove that container, or rename the deployment",
        )
