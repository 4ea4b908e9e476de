"""Azure ML asset references: which ones are pinned, and the name and version in them.

Pure string handling, shared by the importer, ``validate`` and the target; no SDK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LATEST = "latest"  # a label, even where a version would be
_SHORT = re.compile(
    r"^azureml:(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*):(?P<version>[^:@/]+)$"
)
_LABEL = re.compile(r"^azureml:(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)@(?P<label>.+)$")
_REGISTRY = re.compile(
    r"^azureml://registries/(?P<registry>[^/]+)/(?P<kind>models|environments)/"
    r"(?P<name>[^/]+)/versions/(?P<version>[^/]+)$"
)
_ARM = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
    r"Microsoft\.MachineLearningServices/(?:workspaces|registries)/[^/]+/"
    r"(?P<kind>models|environments)/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$",
    re.IGNORECASE,
)
ARM_IDENTITY = re.compile(
    r"^/subscriptions/[^/]+/resource[Gg]roups/[^/]+/providers/"
    r"Microsoft\.ManagedIdentity/userAssignedIdentities/[^/]+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AssetRef:
    """A pinned asset: its name, version and, for registry assets, the registry."""

    name: str
    version: str
    registry: str | None = None

    @property
    def short(self) -> str:
        if self.registry:
            return self.text("models")
        return f"azureml:{self.name}:{self.version}"

    def text(self, kind: str) -> str:
        if self.registry:
            return (
                f"azureml://registries/{self.registry}/{kind}/{self.name}/"
                f"versions/{self.version}"
            )
        return f"azureml:{self.name}:{self.version}"


def parse_pinned(ref: str) -> AssetRef | None:
    """The asset a pinned reference names, or None when it is not pinned."""
    for pattern in (_SHORT, _ARM):
        match = pattern.match(ref)
        if match and match["version"].lower() != LATEST:
            return AssetRef(match["name"], match["version"])
    match = _REGISTRY.match(ref)
    if match and match["version"].lower() != LATEST:
        return AssetRef(match["name"], match["version"], match["registry"])
    return None


def label_of(ref: str) -> str | None:
    """The label (``latest``) of a reference such as ``azureml:m@latest``."""
    match = _LABEL.match(ref)
    if match:
        return match["label"]
    short = _SHORT.match(ref)
    return LATEST if short and short["version"].lower() == LATEST else None


def same_asset(left: str | None, right: str | None) -> bool:
    """Whether two references (short form, registry URI or ARM id) name one asset."""
    if left is None or right is None:
        return left == right
    a, b = parse_pinned(left), parse_pinned(right)
    if a is None or b is None:
        return left.lower() == right.lower()
    return (a.name.lower(), a.version, (a.registry or "").lower()) == (
        b.name.lower(),
        b.version,
        (b.registry or "").lower(),
    )
