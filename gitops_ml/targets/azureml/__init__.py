"""Azure ML managed online endpoints as a target.

One object per endpoint (its settings and traffic map) and one per deployment.  The
SDK is imported only when a method here talks to the service.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gitops_ml.errors import TargetError
from gitops_ml.reconcile.objects import (
    Action,
    DesiredObject,
    Observation,
    Plan,
    StepResult,
)
from gitops_ml.targets.azureml import client
from gitops_ml.targets.azureml.apply import Applier
from gitops_ml.targets.azureml.desired import Desired, read_desired
from gitops_ml.targets.azureml.lease import Lease
from gitops_ml.targets.azureml.observe import (
    ObservedEndpoint,
    observation,
    read_workspace,
)
from gitops_ml.targets.azureml.plan import plan_endpoints
from gitops_ml.targets.base import TargetContext


class AzureMLTarget:
    def __init__(self, context: TargetContext) -> None:
        self.context = context
        self.settings = context.environment.target
        self.notes: list[str] = []
        self._desired: Desired = read_desired(context.spec, context.environment)
        self._observed: dict[str, ObservedEndpoint] | None = None
        self._missing: list[str] = []
        self._ml: Any = None

    @property
    def ml(self) -> Any:
        if self._ml is None:
            self._ml = client.connect(self.settings)
        return self._ml

    def desired(self) -> list[DesiredObject]:
        return self._desired.objects()

    def observe(self) -> Observation:
        self._observed = read_workspace(self.ml, self._desired)
        return observation(self._observed, self._desired, self.context.environment.name)

    def plan(self, desired: list[DesiredObject], observed: Observation) -> list[Action]:
        if self._observed is None:
            observed = self.observe()
        assert self._observed is not None
        self.notes.clear()
        actions = plan_endpoints(
            self._desired,
            self._observed,
            observed,
            keep_previous=bool(self.settings.get("keepPrevious", False)),
            prune=self.context.environment.prune,
            retry_failed=self.context.options.retry_failed,
            notes=self.notes,
        )
        self._missing = self._resolve_assets(actions)
        self.notes += [f"missing in the workspace: {m}" for m in self._missing]
        return actions

    def apply(self, plan: Plan) -> list[StepResult]:
        if self._missing:
            raise TargetError(
                f"{len(self._missing)} asset(s) missing in workspace "
                f"{self.settings['workspace']}: {', '.join(self._missing)}; "
                "nothing was changed",
                hint="register them (az ml model create / az ml environment create) "
                "or fix the model's artifacts.azureml, then re-run",
            )
        assert self._observed is not None
        applier = Applier(
            self.ml,
            self._desired,
            self._observed,
            self.context.revision,
            str(self.context.root),
            Lease(
                self.context.holder,
                self.context.clock,
                force=self.context.options.force,
                revision=self.context.revision,
            ),
        )
        return applier.run(plan.actions)

    @contextmanager
    def lease(self) -> Iterator[None]:
        """The lease lives in each endpoint's tags and is taken inside ``apply``,
        just before the first write, so that an in-sync apply writes nothing."""
        yield

    def _resolve_assets(self, actions: list[Action]) -> list[str]:
        """Each model and environment a write will use must exist in the workspace."""
        missing: list[str] = []
        checked: set[str] = set()
        for action in actions:
            if action.op not in ("create", "update", "repair") or not action.site:
                continue
            endpoint = self._desired.endpoint(action.site)
            want = endpoint.deployment(action.name) if endpoint else None
            if want is None:
                continue
            for kind, ref in (
                ("model", want.model_asset),
                ("environment", want.environment_asset),
            ):
                if ref and ref not in checked:
                    checked.add(ref)
                    if not self._asset_exists(kind, ref):
                        missing.append(f"{kind} {ref}")
        return missing

    def _asset_exists(self, kind: str, ref: str) -> bool:
        from gitops_ml.targets.azureml.assets import parse_pinned

        pinned = parse_pinned(ref)
        if pinned is None or pinned.registry:
            self.notes.append(f"{kind} {ref} is in a registry; not checked by plan")
            return True
        operations = self.ml.models if kind == "model" else self.ml.environments
        try:
            client.call(
                f"look up {kind} {ref}",
                lambda: operations.get(pinned.name, version=pinned.version),
            )
        except client.NotFound:
            return False
        return True
