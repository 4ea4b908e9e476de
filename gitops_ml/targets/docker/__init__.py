"""Docker hosts at edge sites: one container per deployment per host.

Each host is observed with one sparse list call filtered by the managed label; hosts
are reconciled in parallel (bounded pool) and in waves with a failure budget.  An apply
takes a lock kept on each host it changes, just before changing it, so hosts already
in sync see no write at all.

A host that cannot be reached is reported (its site unreachable, with the reason): a
plan leaves its objects out with a note, an apply reports it failed and goes on with
the others.  Secret values are needed only where an apply creates a container.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import docker
from paramiko import SSHException

from gitops_ml.errors import GitopsError, VersionRejected
from gitops_ml.reconcile.diff import diff
from gitops_ml.reconcile.objects import (
    Action,
    DesiredObject,
    Observation,
    Plan,
    SiteStatus,
    StepResult,
)
from gitops_ml.targets.base import TargetContext
from gitops_ml.targets.docker import observe as observe_
from gitops_ml.targets.docker import spec as spec_
from gitops_ml.targets.docker import swap
from gitops_ml.targets.docker.client import HostEntry, connect, ssh_transport
from gitops_ml.targets.docker.probe import (
    Checker,
    Dialer,
    HealthFailed,
    Probe,
    loopback_dialer,
    tunnel_dialer,
)
from gitops_ml.targets.docker.records import HostRecord, host_lock, write_record
from gitops_ml.targets.docker.spec import SPEC_HASH, desired_spec
from gitops_ml.targets.docker.waves import group, parallel, roll_out

log = logging.getLogger("gitops_ml")
LOOPBACK = ("tcp://127.", "tcp://localhost:", "tcp://[::1]:")
# what makes one host fail without stopping the others
HOST_ERRORS = (GitopsError, docker.errors.DockerException, OSError, SSHException)


class DockerTarget:
    def __init__(self, context: TargetContext) -> None:
        self.context = context
        target = context.environment.target
        self.hosts: dict[str, dict[str, Any]] = {h["name"]: h for h in target["hosts"]}
        self.waves = group(target["hosts"], target.get("waves") or [])
        self.parallelism = int(target.get("parallelism", 8))
        self.max_unavailable = int(target.get("maxUnavailable", 0))
        self.keep_images = int(target.get("keepImages", 2))
        self.notes: list[str] = []
        self._clients: dict[str, docker.DockerClient] = {}
        self._lock = threading.Lock()
        self._unreachable: dict[str, str] = {}
        self._applying = False
        # the last observation; one taken by ``desired`` is handed to ``observe``
        self._latest: Observation | None = None
        self._prefetched: Observation | None = None
        weakref.finalize(self, _close_all, self._clients)

    # -- desired ---------------------------------------------------------------

    def desired(self) -> list[DesiredObject]:
        spec = self.context.spec
        wanted = []
        for item in self.context.environment.spec.get("deployments") or []:
            version = spec.models[item["model"]].versions[item["version"]]
            for site in self.hosts:
                container = desired_spec(
                    item.get("container") or {},
                    version.artifacts["image"],
                    self._applied_digest(site, item["name"]),
                )
                wanted.append(
                    DesiredObject(
                        site, item["name"], item["model"], item["version"], container
                    )
                )
        return wanted

    # -- observe ---------------------------------------------------------------

    def _applied_digest(self, site: str, name: str) -> spec_.AppliedDigest:
        """Looks up a secret's applied digest (observing once, only when asked)."""

        def lookup(key: str, source: str) -> str | None:
            if self._latest is None:
                self._prefetched = self._observe_all()
            assert self._latest is not None
            for obj in self._latest.objects:
                if obj.key == (site, name):
                    return spec_.applied_digest(obj.spec, key, source)
            return None

        return lookup

    def observe(self) -> Observation:
        if self._prefetched is not None:
            observation, self._prefetched = self._prefetched, None
            return observation
        return self._observe_all()

    def _observe_all(self) -> Observation:
        found = parallel(self.hosts, self._observe_host, self.parallelism)
        observation = Observation()
        for site in self.hosts:
            view, status = found[site]
            observation.sites.append(status)
            if view is not None:
                observation.objects += observe_.observed_objects(view)
                observation.failures += observe_.failures(view)
        self._latest = observation
        return observation

    def _observe_host(self, site: str) -> tuple[observe_.HostView | None, SiteStatus]:
        try:
            containers = observe_.list_managed(self._client(site), self._env)
        except HOST_ERRORS as exc:
            log.debug("host=%s unreachable", site, exc_info=True)
            self._unreachable[site] = _short(exc, with_hint=True)
            return None, SiteStatus(site, False, None, self._unreachable[site])
        self._unreachable.pop(site, None)
        now = self.context.clock().isoformat(timespec="seconds")
        return observe_.view(site, containers), SiteStatus(site, True, now)

    # -- plan ------------------------------------------------------------------

    def plan(self, desired: list[DesiredObject], observed: Observation) -> list[Action]:
        """The diff, without unreachable hosts: nothing is known of them.  Inside an
        apply their objects stay in, so that apply reports each of them failed."""
        actions, self.notes = diff(
            desired, observed, self.context.options, self.context.environment.prune
        )
        self.notes += _unset_notes(desired)
        for site, reason in sorted(self._unreachable.items()):
            left_out = [a for a in actions if a.site == site]
            if self._applying:
                for action in left_out:
                    action.reason = f"host unreachable; {action.reason}"
                continue
            actions = [a for a in actions if a.site != site]
            self.notes.append(
                f"host {site} is unreachable, its objects are not planned: {reason}"
            )
        return actions

    # -- apply -----------------------------------------------------------------

    def apply(self, plan: Plan) -> list[StepResult]:
        by_site: dict[str, list[Action]] = {}
        for action in plan.actions:
            by_site.setdefault(action.site, []).append(action)
        results: dict[int, StepResult] = {}

        def work(site: str) -> bool:
            steps = self._apply_host(site, by_site.get(site, []))
            for step in steps:
                results[id(step.action)] = step
            return all(step.ok for step in steps)

        waves = [
            wave.__class__(wave.name, [h for h in wave.hosts if h in by_site])
            for wave in self.waves
        ]
        _outcome, stopped = roll_out(
            waves, work, self.parallelism, self.max_unavailable
        )
        if stopped:
            self.notes.append(f"rollout stopped: {stopped}")
        return [
            results.get(id(a))
            or StepResult(a, False, f"host {a.site}: not attempted: {stopped}")
            for a in plan.actions
        ]

    def _apply_host(self, site: str, actions: list[Action]) -> list[StepResult]:
        if site in self._unreachable:
            message = f"host {site}: not changed: {self._unreachable[site]}"
            return [StepResult(a, False, message) for a in actions]
        if not actions:
            return []
        done: list[StepResult] = []
        try:
            client = self._client(site)
            with host_lock(client, self._env, self.context.holder, self._now()):
                view = observe_.view(site, observe_.list_managed(client, self._env))
                ctx = swap.HostContext(
                    client,
                    site,
                    self._env,
                    self.context.revision,
                    Checker(client, self._dialer(site, client)),
                    self._now(),
                )
                swap.clean_leftovers(ctx, view)
                for action in actions:
                    done.append(self._apply_action(ctx, view, action))
                self._prune(ctx, view.record, {a.name for a in actions})
                write_record(client, self._env, view.record)
        except HOST_ERRORS as exc:
            log.debug("host=%s apply failed", site, exc_info=True)
            finished = {id(step.action) for step in done}
            done += [
                StepResult(a, False, f"host {site}: {_short(exc)}")
                for a in actions
                if id(a) not in finished
            ]
        return done

    def _apply_action(
        self, ctx: swap.HostContext, view: observe_.HostView, action: Action
    ) -> StepResult:
        current = view.serving.get(action.name)
        record = view.record
        if action.op == "delete":
            swap.remove(ctx, current)
            record.applied.pop(action.name, None)
            return StepResult(action, True, f"host {ctx.site}: removed")
        want = action.desired
        assert want is not None
        if current is not None:  # deployed before image references were recorded
            record.deployed(want.name, current.get("Image"))
        record.deployed(want.name, want.spec["image"])
        try:
            lines = self._deploy(ctx, want, current, action.op)
        except VersionRejected as exc:  # the version's own fault: recorded, held
            lines = exc.results if isinstance(exc, HealthFailed) else []
            record.failures = [f for f in record.failures if f["name"] != want.name] + [
                {
                    "name": want.name,
                    "spec_hash": want.spec_hash,
                    "revision": ctx.revision,
                    "message": exc.message,
                }
            ]
            message = f"host {ctx.site}: {exc.message}"
            if lines:
                message += f" (probes: {'; '.join(lines[-3:])})"
            return StepResult(
                action, False, message, rolled_back=True, details={"probes": lines}
            )
        except HOST_ERRORS as exc:  # registry, engine, connection: retried next time
            log.debug("host=%s deploy of %s failed", ctx.site, want.name, exc_info=True)
            return StepResult(action, False, f"host {ctx.site}: {_short(exc)}")
        record.applied[want.name] = {
            "model": want.model,
            "version": want.version,
            "revision": ctx.revision,
            "specHash": want.spec_hash,
        }
        record.failures = [f for f in record.failures if f["name"] != want.name]
        return StepResult(
            action,
            True,
            f"host {ctx.site}: {want.model}@{want.version} serving",
            details={"probes": lines},
        )

    def _deploy(
        self,
        ctx: swap.HostContext,
        want: DesiredObject,
        current: dict[str, Any] | None,
        op: str,
    ) -> list[str]:
        if (
            op == "repair"
            and current is not None
            and (current.get("Labels") or {}).get(SPEC_HASH) == want.spec_hash
            and current.get("State") in ("exited", "created")
        ):
            return swap.start_stopped(ctx, current, Probe.from_spec(want.spec))
        missing = spec_.unset_secrets(want.spec)
        if missing:
            raise spec_.SecretUnset(spec_.unset_message(*missing[0]))
        return swap.deploy(ctx, want, current)

    def _prune(
        self, ctx: swap.HostContext, record: HostRecord, names: set[str]
    ) -> None:
        in_use = {c["ImageID"] for c in observe_.list_managed(ctx.client, self._env)}
        for name in sorted(names & set(record.images)):
            kept = swap.prune_images(
                ctx.client, record.images[name], self.keep_images, in_use
            )
            if kept:
                record.images[name] = kept
            else:
                del record.images[name]

    # -- lease -----------------------------------------------------------------

    @contextmanager
    def lease(self) -> Iterator[None]:
        """Locks are kept on each host and taken per host inside ``apply``, just
        before the first write, so that observing in-sync hosts writes nothing."""
        self._applying = True
        try:
            yield
        finally:
            self._applying = False

    # -- helpers ---------------------------------------------------------------

    @property
    def _env(self) -> str:
        return self.context.environment.name

    def _now(self) -> Any:
        return self.context.clock()

    def _client(self, site: str) -> docker.DockerClient:
        with self._lock:
            client = self._clients.get(site)
        if client is None:
            client = connect(self._entry(site))
            with self._lock:
                self._clients[site] = client
        return client

    def _entry(self, site: str) -> HostEntry:
        environment = self.context.environment
        index = list(self.hosts).index(site)

        def locate(field: tuple[str, ...]) -> Any:
            path: tuple[str | int, ...] = ("spec", "target", "hosts", index, *field)
            return environment.document.location(path)

        return HostEntry(self.hosts[site], index, self.context.root, locate)

    def _dialer(self, site: str, client: docker.DockerClient) -> Dialer | None:
        url = self.hosts[site]["url"]
        if url.startswith("unix://") or url.startswith(LOOPBACK):
            return loopback_dialer
        transport = ssh_transport(client)
        return tunnel_dialer(transport) if transport else None


def _close_all(clients: dict[str, docker.DockerClient]) -> None:
    for client in clients.values():
        client.close()


def _unset_notes(desired: list[DesiredObject]) -> list[str]:
    unset = {pair for want in desired for pair in spec_.unset_secrets(want.spec)}
    return [
        f"{spec_.unset_message(name, source)}: compared by the digest applied last; "
        "an apply that must create a container for it fails"
        for name, source in sorted(unset)
    ]


def _short(exc: BaseException, with_hint: bool = False) -> str:
    if isinstance(exc, GitopsError):
        text = str(exc)
        return f"{text}; next: {exc.hint}" if with_hint and exc.hint else text
    if isinstance(exc, SSHException):
        return f"ssh: {exc}"
    if isinstance(exc, docker.errors.APIError):
        return str(exc.explanation or exc)
    return f"{exc.__class__.__name__}: {exc}".splitlines()[0][:200]
