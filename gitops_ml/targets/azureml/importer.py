"""Turn Azure ML CLI v2 endpoint and deployment files into one Environment document.

Each file gets a verdict (imported, skipped or rejected) with its reasons, so a user
migrating a folder of CLI files sees at once what came over and what needs work.
Settings keep their CLI v2 field names; only what gitops-ml models itself (the
endpoint and deployment names, the model pin, traffic) moves to its own fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from gitops_ml.errors import InputError
from gitops_ml.spec.findings import Findings
from gitops_ml.spec.loader import Document, load_document
from gitops_ml.targets.azureml.assets import label_of, parse_pinned

Verdict = Literal["imported", "skipped", "rejected"]

AZURE_NAME = re.compile(r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")
PLACEHOLDER = re.compile(r"place_?holder|<[^>]+>|\bchangeme\b", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{[^}]*\}\}")
_ENDPOINT_ONLY = {"auth_mode", "compute", "identity", "traffic", "mirror_traffic"}
_DEPLOYMENT_ONLY = {
    "endpoint_name",
    "model",
    "instance_type",
    "instance_count",
    "code_configuration",
    "environment",
}
_CLI_KEYS = {
    "$schema",
    "name",
    "description",
    "tags",
    "deployments",
    "type",
    "mirror_traffic",
    *_ENDPOINT_ONLY,
    *_DEPLOYMENT_ONLY,
}
NOT_CLI = (
    "not an Azure ML CLI v2 endpoint or deployment file: expects a YAML mapping "
    "with $schema, name and the endpoint fields (auth_mode, traffic) or the "
    "deployment fields (endpoint_name, model, instance_type)"
)
_ENDPOINT_OWN = {"$schema", "name", "traffic", "mirror_traffic"}
_DEPLOYMENT_OWN = {"$schema", "name", "endpoint_name", "model"}
PLACEHOLDER_WORKSPACE = {
    "subscriptionId": "00000000-0000-0000-0000-000000000000",
    "resourceGroup": "CHANGE-ME",
    "workspace": "CHANGE-ME",
}


@dataclass
class FileResult:
    """The verdict for one input file, with its reasons and notes."""

    path: str
    verdict: Verdict
    kind: str = "unknown"
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ModelNeed:
    """A Model document version the imported environment pins."""

    model: str
    version: str
    asset: str
    environment: str | None = None


@dataclass
class ImportResult:
    files: list[FileResult]
    document: dict[str, Any] | None
    models: list[ModelNeed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.verdict == "rejected"]


@dataclass
class _Endpoint:
    name: str
    settings: dict[str, Any]
    traffic: dict[str, int]
    mirror: dict[str, int]
    source: str


@dataclass
class _Deployment:
    endpoint: str
    name: str
    model: str
    version: str
    settings: dict[str, Any]
    source: str


@dataclass(frozen=True)
class Unreadable:
    """A file given on the command line that could not be read, and why."""

    reason: str


ARGUMENTS = {
    ("metadata", "name"): (
        "--env",
        "an environment name: lower-case letters, "
        "digits and '-', starting and ending with a letter or digit",
    ),
    ("spec", "target", "subscriptionId"): ("--subscription", "a subscription id"),
    ("spec", "target", "resourceGroup"): ("--resource-group", "a resource group"),
    ("spec", "target", "workspace"): (
        "--workspace",
        "a workspace name: 3-33 characters, a letter or digit first, then letters, "
        "digits, '-' or '_'",
    ),
}


def check_arguments(environment: str, workspace: dict[str, str] | None) -> None:
    """The flags must pass the same schema ``validate`` applies to the output."""
    from gitops_ml.spec.schema import validator

    document = _environment_document(
        environment, workspace or PLACEHOLDER_WORKSPACE, []
    )
    for error in validator("environment").iter_errors(document):
        path = tuple(error.absolute_path)
        if path in ARGUMENTS:
            flag, rule = ARGUMENTS[path]
            raise InputError(
                f"{flag} '{error.instance}' is not {rule}",
                hint=f"fix {flag}; validate would refuse the imported file",
            )


def import_files(
    files: list[tuple[str, bytes | Unreadable]],
    environment: str = "imported",
    workspace: dict[str, str] | None = None,
) -> ImportResult:
    """Read every (path, content) pair; build the environment from the good ones."""
    results: list[FileResult] = []
    endpoints: dict[str, _Endpoint] = {}
    deployments: list[_Deployment] = []
    models: list[ModelNeed] = []
    for path, raw in files:
        result = FileResult(path, "rejected")
        results.append(result)
        if isinstance(raw, Unreadable):
            result.reasons.append(f"{path}: cannot read it ({raw.reason})")
            continue
        document = _parse(path, raw, result)
        if document is None:
            continue
        parsed = _classify(document, result)
        if isinstance(parsed, _Endpoint):
            _add_endpoint(parsed, endpoints, result)
        elif isinstance(parsed, tuple):
            deployment, need = parsed
            _add_deployment(deployment, deployments, result)
            if result.verdict == "imported" and need not in models:
                models.append(need)
    notes: list[str] = []
    built = _build(environment, workspace, endpoints, deployments, notes)
    return ImportResult(results, built, models, notes)


def _parse(path: str, raw: bytes, result: FileResult) -> Document | None:
    text = raw.decode("utf-8", errors="replace")
    if _is_workflow(text):
        result.kind = "workflow"
        result.reasons.append(
            f"{path}: a GitHub Actions workflow, not an Azure ML file; gitops-ml "
            "replaces its create/update steps (see examples/workflows/)"
        )
        return None
    looks_like_cli = bool(_CLI_KEYS & _top_level_keys(text))
    template = _TEMPLATE.search(text)
    if template and looks_like_cli:
        result.kind = _kind_from_schema(text)
        line = text.count("\n", 0, template.start()) + 1
        result.reasons.append(
            f"{path}:{line}: template placeholder '{template.group(0)}': the file is "
            "not YAML until rendered; render it, then import the rendered file"
        )
        return None
    findings = Findings()
    document = load_document(path, raw, findings)
    not_mapping = any(f.rule == "not-a-mapping" for f in findings.items)
    if not_mapping or not looks_like_cli:
        line = findings.items[0].location.line if findings.items else 1
        result.reasons.append(f"{path}:{line or 1}: {NOT_CLI}")
        return None
    for finding in findings.items:
        result.reasons.append(f"{finding}")
    return document


def _top_level_keys(text: str) -> set[str]:
    found = re.findall(r"^[\"']?([A-Za-z_$][\w$-]*)[\"']?\s*:", text, re.MULTILINE)
    return set(found)


def _kind_from_schema(text: str) -> str:
    if "OnlineDeployment.schema" in text:
        return "deployment"
    return "endpoint" if "OnlineEndpoint.schema" in text else "unknown"


def _is_workflow(text: str) -> bool:
    keys = set(re.findall(r"^([A-Za-z_$\"']+)\s*:", text, flags=re.MULTILINE))
    return "jobs" in keys and bool({"on", '"on"', "'on'"} & keys)


def _classify(
    document: Document, result: FileResult
) -> _Endpoint | tuple[_Deployment, ModelNeed] | None:
    data: dict[str, Any] = document.data
    schema = str(data.get("$schema", ""))
    if "deployments" in data or data.get("type") == "online":
        result.kind = "endpoint"
        result.reasons.append(
            f"{document.location(('deployments',))}: the 2021 preview format "
            "(deployments and traffic inside the endpoint file), which the service "
            "and CLI v2 refuse; split it into one endpoint file and one file per "
            "deployment, then import those"
        )
        return None
    if "OnlineDeployment" in schema or _DEPLOYMENT_ONLY & set(data):
        result.kind = "deployment"
        return _deployment(document, result)
    if "OnlineEndpoint" in schema or _ENDPOINT_ONLY & set(data):
        result.kind = "endpoint"
        return _endpoint(document, result)
    result.verdict = "skipped"
    result.reasons.append(
        f"{document.path}: neither an online endpoint nor an online deployment file"
    )
    return None


def _endpoint(document: Document, result: FileResult) -> _Endpoint | None:
    data: dict[str, Any] = document.data
    where = document.location
    if "compute" in data:
        result.reasons.append(
            f"{where(('compute',))}: 'compute' makes this a Kubernetes online "
            "endpoint; gitops-ml deploys to managed online endpoints only (keep "
            "deploying this one with the CLI for now)"
        )
    name = _name(document, "name", "endpoint", result)
    if result.reasons or name is None:
        return None
    settings = {k: v for k, v in data.items() if k not in _ENDPOINT_OWN}
    result.verdict = "imported"
    return _Endpoint(
        name=name,
        settings=settings,
        traffic=dict(data.get("traffic") or {}),
        mirror=dict(data.get("mirror_traffic") or {}),
        source=document.path,
    )


def _deployment(
    document: Document, result: FileResult
) -> tuple[_Deployment, ModelNeed] | None:
    data: dict[str, Any] = document.data
    where = document.location
    endpoint = _name(document, "endpoint_name", "endpoint", result)
    name = _name(document, "name", "deployment", result)
    model = _model(document, result)
    environment = _environment(document, result)
    for key, value in (data.get("environment_variables") or {}).items():
        if isinstance(value, str) and PLACEHOLDER.search(value):
            result.reasons.append(
                f"{where(('environment_variables', key))}: {key} holds the "
                f"placeholder '{value}'; put the real value in the file first"
            )
    code = (data.get("code_configuration") or {}).get("code")
    if isinstance(code, str) and not code.startswith("azureml:"):
        result.notes.append(
            f"{where(('code_configuration', 'code'))}: copy the folder '{code}' into "
            "the GitOps repo and make the path relative to its root; validate "
            "checks that it exists"
        )
    if result.reasons or endpoint is None or name is None or model is None:
        return None
    settings = {k: v for k, v in data.items() if k not in _DEPLOYMENT_OWN}
    result.verdict = "imported"
    deployment = _Deployment(
        endpoint, name, model[0], model[1], settings, document.path
    )
    need = ModelNeed(model[0], model[1], model[2], environment)
    return deployment, need


def _name(document: Document, key: str, what: str, result: FileResult) -> str | None:
    value = document.data.get(key)
    where = document.location((key,))
    if value is None:
        result.reasons.append(
            f"{document.location(())}: no '{key}' (the CLI took it from a flag); "
            f"add {key}: to the file"
        )
        return None
    text = str(value)
    if not (3 <= len(text) <= 32 and AZURE_NAME.match(text) and "--" not in text):
        result.reasons.append(
            f"{where}: {what} name '{text}' breaks Azure ML's rule: 3-32 characters, "
            "a letter first, then letters, digits and single hyphens (no '_')"
        )
        return None
    return text


def _model(document: Document, result: FileResult) -> tuple[str, str, str] | None:
    value = document.data.get("model")
    where = document.location(("model",))
    if value is None:
        result.reasons.append(f"{where}: no model; add model: azureml:NAME:VERSION")
        return None
    if isinstance(value, dict):
        result.reasons.append(
            f"{where}: the model is inline (a local path: or fields, not a "
            "registered version); register it (az ml model create), add that version "
            "to a Model document and pin azureml:NAME:VERSION here"
        )
        return None
    text = str(value)
    pinned = parse_pinned(text)
    if pinned is not None:
        return pinned.name, pinned.version, pinned.text("models")
    label = label_of(text)
    if label is not None:
        result.reasons.append(
            f"{where}: '{text}' is not a pinned version (the label '{label}' moves "
            "and cannot be reverted); pin azureml:NAME:VERSION"
        )
    else:
        result.reasons.append(
            f"{where}: '{text}' is not a registered model reference; use "
            "azureml:NAME:VERSION or azureml://registries/R/models/NAME/versions/V"
        )
    return None


def _environment(document: Document, result: FileResult) -> str | None:
    value = document.data.get("environment")
    where = document.location(("environment",))
    if value is None:
        return None
    if isinstance(value, dict):
        result.reasons.append(
            f"{where}: the environment is inline (image/conda_file), so every "
            "deploy would build an anonymous one; register it (az ml environment "
            "create) and pin azureml:NAME:VERSION"
        )
        return None
    text = str(value)
    if parse_pinned(text) is None:
        result.reasons.append(
            f"{where}: environment '{text}' is not pinned; use azureml:NAME:VERSION"
        )
        return None
    return text


def _add_endpoint(
    endpoint: _Endpoint, endpoints: dict[str, _Endpoint], result: FileResult
) -> None:
    key = endpoint.name.lower()
    if key in endpoints and endpoints[key].source:
        result.verdict = "skipped"
        result.reasons.append(
            f"{endpoint.source}: endpoint '{endpoint.name}' was already imported "
            f"from {endpoints[key].source}"
        )
        return
    endpoints[key] = endpoint


def _add_deployment(
    deployment: _Deployment, deployments: list[_Deployment], result: FileResult
) -> None:
    for other in deployments:
        same = (other.endpoint.lower(), other.name.lower()) == (
            deployment.endpoint.lower(),
            deployment.name.lower(),
        )
        if same:
            result.verdict = "skipped"
            result.reasons.append(
                f"{deployment.source}: deployment '{deployment.name}' of "
                f"'{deployment.endpoint}' was already imported from {other.source}"
            )
            return
    deployments.append(deployment)


def _build(
    environment: str,
    workspace: dict[str, str] | None,
    endpoints: dict[str, _Endpoint],
    deployments: list[_Deployment],
    notes: list[str],
) -> dict[str, Any] | None:
    for deployment in deployments:
        if deployment.endpoint.lower() not in endpoints:
            notes.append(
                f"endpoint '{deployment.endpoint}' has no endpoint file among the "
                "inputs: imported with default settings"
            )
            endpoints[deployment.endpoint.lower()] = _Endpoint(
                deployment.endpoint, {}, {}, {}, ""
            )
    items = [
        _endpoint_doc(endpoint, deployments, notes) for endpoint in endpoints.values()
    ]
    if not items:
        return None
    if not workspace:
        notes.append(
            "spec.target holds placeholders: pass --subscription, --resource-group "
            "and --workspace, or edit them"
        )
    return _environment_document(environment, workspace or PLACEHOLDER_WORKSPACE, items)


def _environment_document(
    name: str, workspace: dict[str, str], endpoints: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "apiVersion": "gitops-ml/v1",
        "kind": "Environment",
        "metadata": {"name": name},
        "spec": {"target": {"type": "azureml", **workspace}, "endpoints": endpoints},
    }


def _endpoint_doc(
    endpoint: _Endpoint, deployments: list[_Deployment], notes: list[str]
) -> dict[str, Any]:
    mine = [d for d in deployments if d.endpoint.lower() == endpoint.name.lower()]
    traffic = {k.lower(): int(v) for k, v in endpoint.traffic.items()}
    mirror = {k.lower(): int(v) for k, v in endpoint.mirror.items()}
    if mine and sum(traffic.get(d.name.lower(), 0) for d in mine) != 100:
        if len(mine) > 1:
            notes.append(
                f"endpoint '{endpoint.name}': no traffic split among the inputs; "
                f"'{mine[0].name}' gets 100, set the shares you want"
            )
        traffic = {d.name.lower(): 0 for d in mine}
        traffic[mine[0].name.lower()] = 100
    items: list[dict[str, Any]] = []
    for deployment in mine:
        item: dict[str, Any] = {
            "name": deployment.name,
            "model": deployment.model,
            "version": deployment.version,
            "traffic": traffic.get(deployment.name.lower(), 0),
        }
        if mirror.get(deployment.name.lower()):
            item["mirror"] = mirror[deployment.name.lower()]
        if deployment.settings:
            item["settings"] = deployment.settings
        items.append(item)
    doc: dict[str, Any] = {"name": endpoint.name}
    if endpoint.settings:
        doc["settings"] = endpoint.settings
    doc["deployments"] = items
    return doc
