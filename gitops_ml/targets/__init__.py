"""Target types, registered by name.  Modules are imported only when used, so that
``validate`` and ``--help`` never load a cloud SDK."""

from __future__ import annotations

from importlib import import_module

from gitops_ml.errors import InputError
from gitops_ml.targets.base import Target, TargetContext

# spec.target.type -> "module:Class" implementing targets.base.Target
TARGETS: dict[str, str] = {
    "filesystem": "gitops_ml.targets.filesystem:FilesystemTarget",
    "docker": "gitops_ml.targets.docker:DockerTarget",
    "azureml": "gitops_ml.targets.azureml:AzureMLTarget",
}


def open_target(context: TargetContext) -> Target:
    kind = context.environment.target_type
    if kind not in TARGETS:
        raise InputError(
            f"target type '{kind}' is not available in this build of gitops-ml",
            location=context.environment.location(("spec", "target", "type")),
            hint=f"available: {', '.join(sorted(TARGETS))}",
        )
    module_name, class_name = TARGETS[kind].split(":")
    target: Target = getattr(import_module(module_name), class_name)(context)
    return target
