"""Load a whole GitOps repo: parse, check schemas, build typed documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gitops_ml.errors import Location
from gitops_ml.spec.documents import (
    Environment,
    Model,
    build_environment,
    build_model,
)
from gitops_ml.spec.findings import Findings
from gitops_ml.spec.loader import Document, load_document
from gitops_ml.spec.schema import KIND_SCHEMAS, check_schema
from gitops_ml.spec.source import Source

CONFIG_FILE = "gitops-ml.yaml"


@dataclass
class Settings:
    models_dir: str = "models"
    environments_dir: str = "environments"
    deploy_branch: str = "main"
    remote: str = "origin"


@dataclass
class RepoSpec:
    """Everything the repo declares, plus the problems found while reading it."""

    source: Source
    settings: Settings
    models: dict[str, Model] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)
    findings: Findings = field(default_factory=Findings)
    files: list[str] = field(default_factory=list)
    # (kind, name) -> file, for documents that failed to load or to validate, so
    # references to them are not reported a second time as missing
    failed: dict[tuple[str, str], str] = field(default_factory=dict)

    def failed_to_load(self, kind: str, name: str) -> bool:
        return (kind, name) in self.failed

    def environment(self, name: str) -> Environment:
        from gitops_ml.errors import InputError

        if name not in self.environments:
            known = ", ".join(sorted(self.environments)) or "none"
            raise InputError(
                f"environment '{name}' does not exist (known: {known})",
                hint=f"add {self.settings.environments_dir}/{name}.yaml "
                "or pick a known one",
            )
        return self.environments[name]


def load_repo(source: Source, extra_files: list[str] | None = None) -> RepoSpec:
    """Read every Model and Environment document from ``source``."""
    findings = Findings()
    settings = _load_settings(source, findings)
    spec = RepoSpec(source=source, settings=settings, findings=findings)
    files = source.list_yaml(settings.models_dir)
    files += source.list_yaml(settings.environments_dir)
    for extra in extra_files or []:
        if extra not in files and extra != CONFIG_FILE:
            files.append(extra)
    spec.files = files
    _report_nested(source, settings, findings)
    for path in files:
        if source.is_symlink(path):
            findings.add(
                Location(path, 1, 1),
                "path-symlink",
                f"{path} is a symlink that leads outside the repository",
                "commit the file itself instead of a link",
            )
            _remember_failed(spec, path, None)
            continue
        document = _parse(source, path, findings)
        if document is None or not _add(spec, document, findings):
            _remember_failed(spec, path, document)
    return spec


def _report_nested(source: Source, settings: Settings, findings: Findings) -> None:
    for folder in (settings.models_dir, settings.environments_dir):
        for path in source.nested_yaml(folder):
            findings.add(
                Location(path),
                "nested-file",
                "spec files in sub-folders are not read",
                f"move it to {folder}/",
                severity="warning",
            )


def _remember_failed(spec: RepoSpec, path: str, document: Document | None) -> None:
    data = document.data if document is not None else {}
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in ("Model", "Environment"):
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        kind = "Model" if folder == spec.settings.models_dir else "Environment"
    names = {path.rsplit("/", 1)[-1].rsplit(".", 1)[0]}
    metadata = data.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
        names.add(metadata["name"])
    for name in names:
        spec.failed.setdefault((kind, name), path)


def _load_settings(source: Source, findings: Findings) -> Settings:
    settings = Settings()
    if not source.exists(CONFIG_FILE):
        return settings
    document = load_document(CONFIG_FILE, source.read(CONFIG_FILE), findings)
    if document is None or not check_schema(document, "config", findings):
        return settings
    values: dict[str, Any] = document.data.get("spec") or {}
    return Settings(
        models_dir=values.get("modelsDir", settings.models_dir).strip("/"),
        environments_dir=values.get("environmentsDir", settings.environments_dir).strip(
            "/"
        ),
        deploy_branch=values.get("deployBranch", settings.deploy_branch),
        remote=values.get("remote", settings.remote),
    )


def _parse(source: Source, path: str, findings: Findings) -> Document | None:
    return load_document(path, source.read(path), findings)


def _add(spec: RepoSpec, document: Document, findings: Findings) -> bool:
    """Add a schema-valid document to ``spec``; False when it is not usable."""
    kind = document.data.get("kind")
    schema = KIND_SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is None or kind == "Config":
        findings.add(
            document.location(("kind",)),
            "kind",
            f"kind {kind!r} is not one of Model, Environment",
            "set kind: Model or kind: Environment",
        )
        return False
    if not check_schema(document, schema, findings):
        return False
    name = document.data["metadata"]["name"]
    folder, other = (spec.settings.models_dir, spec.settings.environments_dir)
    if kind != "Model":
        folder, other = other, folder
    if document.path.startswith(other + "/"):
        findings.add(
            document.location(("kind",)),
            "wrong-folder",
            f"kind {kind} belongs in {folder}/",
            f"move the file to {folder}/{name}.yaml",
        )
    _check_file_name(document, folder, name, findings)
    table: dict[str, Any] = spec.models if kind == "Model" else spec.environments
    built = build_model(document) if kind == "Model" else build_environment(document)
    if name in table:
        _report_duplicate(table, built, kind, findings)
        return True
    table[name] = built
    return True


def _report_duplicate(
    table: dict[str, Any], new: Model | Environment, kind: str, findings: Findings
) -> None:
    """Blame the file that was added: the one not named after the document, else
    the later one; the other keeps the name."""
    old = table[new.name]
    if _stem(new.document.path) == new.name and _stem(old.document.path) != new.name:
        table[new.name], new, old = new, old, new
    findings.add(
        new.document.location(("metadata", "name")),
        "duplicate-name",
        f"{kind} '{new.name}' is already defined in {old.document.path}",
        "rename one of them",
    )


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _check_file_name(
    document: Document, folder: str, name: str, findings: Findings
) -> None:
    stem = _stem(document.path)
    if document.path.startswith(folder + "/") and stem != name:
        findings.add(
            document.location(("metadata", "name")),
            "file-name",
            f"metadata.name '{name}' does not match the file name '{stem}'",
            f"rename the file to {folder}/{name}.yaml or fix the name",
        )
