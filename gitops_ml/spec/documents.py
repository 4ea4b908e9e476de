"""Typed views of validated Model and Environment documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gitops_ml.errors import Location
from gitops_ml.spec.loader import Document, Path


@dataclass(frozen=True)
class ModelVersion:
    model: str
    version: str
    created: str
    metrics: dict[str, float]
    lineage: dict[str, str]
    artifacts: dict[str, Any]
    serving_version: int | None
    raw: dict[str, Any]

    @property
    def folder_version(self) -> int | None:
        """The integer folder a model repository serves this version from."""
        if self.serving_version is not None:
            return self.serving_version
        text = self.version
        if text.isdigit() and not (len(text) > 1 and text.startswith("0")):
            return int(text)
        return None


@dataclass
class Model:
    name: str
    document: Document
    versions: dict[str, ModelVersion] = field(default_factory=dict)

    def version_path(self, version: str) -> Path:
        for index, item in enumerate(self.document.data["spec"]["versions"]):
            if item.get("version") == version:
                return ("spec", "versions", index)
        return ("spec", "versions")


@dataclass
class Environment:
    name: str
    document: Document
    spec: dict[str, Any]

    @property
    def target(self) -> dict[str, Any]:
        target: dict[str, Any] = self.spec["target"]
        return target

    @property
    def target_type(self) -> str:
        return str(self.target["type"])

    @property
    def prune(self) -> bool:
        return bool(self.spec.get("prune", False))

    @property
    def promotion(self) -> dict[str, Any]:
        promotion: dict[str, Any] = self.spec.get("promotion") or {}
        return promotion

    @property
    def upstream(self) -> str | None:
        upstream = self.promotion.get("from")
        return str(upstream) if upstream else None

    def pins(self) -> list[tuple[str, str, Path]]:
        """Every (model, version, path) this environment pins, in file order."""
        result: list[tuple[str, str, Path]] = []
        for index, item in enumerate(self.spec.get("deployments") or []):
            result.append(
                (item["model"], item["version"], ("spec", "deployments", index))
            )
        for e_index, endpoint in enumerate(self.spec.get("endpoints") or []):
            for d_index, item in enumerate(endpoint.get("deployments") or []):
                path = ("spec", "endpoints", e_index, "deployments", d_index)
                result.append((item["model"], item["version"], path))
        return result

    def location(self, path: Path) -> Location:
        return self.document.location(path)


def build_model(document: Document) -> Model:
    data = document.data
    model = Model(name=data["metadata"]["name"], document=document)
    for item in data["spec"]["versions"]:
        artifacts = item.get("artifacts") or {}
        model.versions[item["version"]] = ModelVersion(
            model=model.name,
            version=item["version"],
            created=item["created"],
            metrics=dict(item.get("metrics") or {}),
            lineage=dict(item.get("lineage") or {}),
            artifacts=artifacts,
            serving_version=item.get("servingVersion"),
            raw=item,
        )
    return model


def build_environment(document: Document) -> Environment:
    data = document.data
    return Environment(
        name=data["metadata"]["name"], document=document, spec=data["spec"]
    )
