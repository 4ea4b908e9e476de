"""A model version an environment has used may not change afterwards."""

from __future__ import annotations

from gitops_ml.spec.findings import Findings
from gitops_ml.spec.repo import RepoSpec

FROZEN_FIELDS = ("artifacts", "metrics", "servingVersion", "created")


def used_versions(spec: RepoSpec) -> set[tuple[str, str]]:
    return {
        (model, version)
        for env in spec.environments.values()
        for model, version, _path in env.pins()
    }


def check_immutable(base: RepoSpec, head: RepoSpec) -> Findings:
    """Findings for each version in use at ``base`` whose evidence ``head`` changes."""
    findings = Findings()
    for model_name, version in sorted(used_versions(base)):
        before = base.models.get(model_name)
        after = head.models.get(model_name)
        if before is None or version not in before.versions:
            continue
        old = before.versions[version].raw
        if after is None or version not in after.versions:
            where = after.document.location(("spec", "versions")) if after else None
            if where is not None:
                findings.add(
                    where,
                    "immutable-version",
                    f"version '{version}' of {model_name} is in use and was removed",
                    "keep the version; add a new one instead",
                )
            continue
        new = after.versions[version].raw
        for field in FROZEN_FIELDS:
            if old.get(field) != new.get(field):
                path = (*after.version_path(version), field)
                findings.add(
                    after.document.location(path),
                    "immutable-version",
                    f"{model_name}@{version} is in use by an environment; its "
                    f"{field} may not change",
                    "register a new version with the new evidence instead",
                )
    return findings
