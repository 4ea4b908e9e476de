"""Deploy one version to one host with the old container serving until the new one
is proven: pull by digest, prove a trial container, then cut over.

Cut-over: the final container is created beforehand; the old one is stopped, the
final one started and checked; on any failure (the engine refusing the start, a
failed check, a lost connection) the staged one is removed and the old one started
again.

Only a version's own fault (a failed health check, a crash, a wrong digest) raises
``VersionRejected``, which the target records; registry and engine errors do not.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Any

import docker

from gitops_ml.errors import TargetError, VersionRejected
from gitops_ml.reconcile.objects import DesiredObject
from gitops_ml.targets.docker import spec as spec_
from gitops_ml.targets.docker.observe import HostView, container_name
from gitops_ml.targets.docker.probe import Checker, Probe
from gitops_ml.targets.docker.records import check_owned

log = logging.getLogger("gitops_ml")
STOP_TIMEOUT = 10


@dataclass
class HostContext:
    """What one host's apply works with."""

    client: docker.DockerClient
    site: str
    environment: str
    revision: str
    checker: Checker
    now: dt.datetime


def deploy(
    ctx: HostContext, want: DesiredObject, current: dict[str, Any] | None
) -> list[str]:
    """Run ``want`` on the host; returns probe results, raises TargetError."""
    image_id = pull(ctx.client, want.spec["image"])
    probe = Probe.from_spec(want.spec)
    results = trial(ctx, want, probe)
    results += cut_over(ctx, want, image_id, current, probe)
    return results


def pull(client: docker.DockerClient, reference: str) -> str:
    """The image id of ``reference`` (REPO@sha256:...), pulled when missing."""
    repository, _, digest = reference.partition("@")
    try:
        return _image_id(client, reference)
    except docker.errors.ImageNotFound:
        pass
    try:
        for event in client.api.pull(
            repository,
            tag=digest,
            stream=True,
            decode=True,
            auth_config=_registry_auth(),
        ):
            if "error" in event or "errorDetail" in event:
                detail = event.get("error") or event["errorDetail"].get("message")
                raise TargetError(f"pull {reference} failed: {detail}")
    except docker.errors.APIError as exc:
        raise TargetError(
            f"pull {reference} failed: {exc.explanation or exc}",
            hint="check the image reference and the registry credentials",
        ) from None
    info = client.api.inspect_image(reference)
    if reference not in (info.get("RepoDigests") or []):
        raise VersionRejected(f"pulled {reference} but the host reports another digest")
    return str(info["Id"])


def _image_id(client: docker.DockerClient, reference: str) -> str:
    return str(client.api.inspect_image(reference)["Id"])


def _registry_auth() -> dict[str, str] | None:
    """Credentials from the environment; otherwise the SDK reads the Docker config."""
    user = os.environ.get("GITOPS_ML_REGISTRY_USERNAME")
    password = os.environ.get("GITOPS_ML_REGISTRY_PASSWORD")
    if user and password:
        return {"username": user, "password": password}
    return None


def trial(ctx: HostContext, want: DesiredObject, probe: Probe) -> list[str]:
    api = ctx.client.api
    found = _labels(ctx, want, role="trial")
    name = f"{want.name}.trial"
    created = api.create_container(
        **spec_.create_args(api, want.spec, name, found, trial=True)
    )
    try:
        api.start(created["Id"])
        return [f"trial: {line}" for line in ctx.checker.prove(created["Id"], probe)]
    finally:
        api.remove_container(created["Id"], force=True)


def cut_over(
    ctx: HostContext,
    want: DesiredObject,
    image_id: str,
    current: dict[str, Any] | None,
    probe: Probe,
) -> list[str]:
    api = ctx.client.api
    found = {
        **_labels(ctx, want, role="serving"),
        spec_.IMAGE_ID: image_id,
        spec_.APPLIED_AT: ctx.now.isoformat(timespec="seconds"),
    }
    name = f"{want.name}.next" if current else want.name
    final = _create(ctx, want, name, found)
    try:
        if current:
            api.stop(current["Id"], timeout=STOP_TIMEOUT)
        api.start(final)
        results = ctx.checker.prove(final, probe)
    except Exception:  # whatever failed, the old container must serve again
        _restore(ctx, final, current)
        raise
    if current:
        api.remove_container(current["Id"], force=True)
        api.rename(final, want.name)
    return [f"final: {line}" for line in results]


def _create(
    ctx: HostContext, want: DesiredObject, name: str, found: dict[str, str]
) -> str:
    api = ctx.client.api
    try:
        created = api.create_container(**spec_.create_args(api, want.spec, name, found))
    except docker.errors.APIError as exc:
        if exc.status_code == 409:
            check_owned(ctx.client, name, ctx.environment)
        raise TargetError(f"cannot create {name}: {exc.explanation or exc}") from None
    return str(created["Id"])


def _restore(ctx: HostContext, final: str, current: dict[str, Any] | None) -> None:
    """Remove the staged container (it may hold the port), then start the old one
    even when that removal failed.  A restore that fails as well (the host went
    away) is finished by the next apply: its clean-up and repair."""
    api = ctx.client.api
    try:
        api.remove_container(final, force=True)
    finally:
        if current:
            api.start(current["Id"])
            log.info("host=%s restarted the previous container", ctx.site)


def remove(ctx: HostContext, current: dict[str, Any] | None) -> None:
    if current:
        ctx.client.api.remove_container(current["Id"], force=True)


def start_stopped(ctx: HostContext, current: dict[str, Any], probe: Probe) -> list[str]:
    """Repair of a container stopped by hand: start it and check it."""
    ctx.client.api.start(current["Id"])
    return [f"restarted: {line}" for line in ctx.checker.prove(current["Id"], probe)]


def clean_leftovers(ctx: HostContext, view: HostView) -> None:
    """Finish or undo what an interrupted apply left: remove trial and staged
    containers that never served; give a staged container that took over (its
    predecessor already removed) the deployment's name."""
    api = ctx.client.api
    for item in view.leftovers:
        api.remove_container(item["Id"], force=True)
        log.info("host=%s removed leftover %s", ctx.site, container_name(item))
    for name, item in view.serving.items():
        if container_name(item) != name:
            api.rename(item["Id"], name)
            item["Names"] = [f"/{name}"]
            log.info("host=%s finished the cut-over of %s", ctx.site, name)


def prune_images(
    client: docker.DockerClient, deployed: list[str], keep: int, in_use: set[str]
) -> list[str]:
    """Remove images gitops-ml deployed (``deployed``, oldest first) beyond the
    newest ``keep`` no container uses; returns the references still on the host.

    Removal is by digest reference, so an image a person also tagged keeps its tag
    and stays; images gitops-ml never deployed are never looked at."""
    present: list[str] = []
    idle: list[str] = []
    for reference in reversed(deployed):
        try:
            image_id = client.api.inspect_image(reference)["Id"]
        except docker.errors.ImageNotFound:
            continue
        (present if image_id in in_use else idle).append(reference)
    present += idle[:keep]
    for reference in idle[keep:]:
        try:
            client.api.remove_image(reference, force=False)
        except docker.errors.ImageNotFound:
            pass
        except docker.errors.APIError as exc:
            log.info("kept image %s: %s", reference, exc.explanation)
            present.append(reference)
    return [reference for reference in deployed if reference in present]


def _labels(ctx: HostContext, want: DesiredObject, role: str) -> dict[str, str]:
    return {
        **spec_.labels(
            ctx.environment,
            want.name,
            want.model,
            want.version,
            ctx.revision,
            want.spec,
            want.spec_hash,
        ),
        spec_.ROLE: role,
    }
