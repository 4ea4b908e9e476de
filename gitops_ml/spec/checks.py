"""Checks that need the whole repo: references, pins, names, traffic, chains."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from gitops_ml.spec.documents import Environment, Model
from gitops_ml.spec.findings import Findings, clip
from gitops_ml.spec.loader import parse_timestamp
from gitops_ml.spec.repo import RepoSpec
from gitops_ml.spec.source import normalize

AZURE_NAME = re.compile(r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")
IMAGE_DIGEST = re.compile(r"^[^@\s]+@sha256:[0-9a-f]{64}$")
AZUREML_ASSET = re.compile(r"^azureml:[A-Za-z0-9][A-Za-z0-9._-]*:[A-Za-z0-9._-]+$")
AZUREML_REGISTRY = re.compile(
    r"^azureml://registries/[^/]+/(models|environments)/[^/]+/versions/[^/]+$"
)
SECRET_NAME = re.compile(
    r"(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_?KEY|CREDENTIAL)"
)


def check_repo(spec: RepoSpec) -> Findings:
    """Run every whole-repo check; return the findings (schema findings excluded)."""
    findings = Findings()
    for model in spec.models.values():
        _check_model(spec, model, findings)
    for env in spec.environments.values():
        _check_pins(spec, env, findings)
        TARGET_CHECKS[env.target_type](spec, env, findings)
        _check_promotion(spec, env, findings)
    return findings


def _check_model(spec: RepoSpec, model: Model, findings: Findings) -> None:
    folders: dict[int, str] = {}
    seen: set[str] = set()
    for index, raw in enumerate(model.document.data["spec"]["versions"]):
        path = ("spec", "versions", index)
        where = model.document.location
        version = raw["version"]
        if version in seen:
            findings.add(
                where((*path, "version")),
                "duplicate-version",
                f"version '{version}' of {model.name} is listed twice",
            )
        seen.add(version)
        _check_created(model, raw["created"], (*path, "created"), findings)
        folder = model.versions[version].folder_version
        if folder is not None and folder in folders and folders[folder] != version:
            findings.add(
                where((*path, "servingVersion")),
                "serving-version",
                f"versions '{folders[folder]}' and '{version}' both map to the model "
                f"repository folder {folder}",
                "give one of them a different servingVersion",
            )
        if folder is not None:
            folders.setdefault(folder, version)
        _check_artifacts(spec, model, raw.get("artifacts") or {}, path, findings)


def _check_created(
    model: Model, created: str, path: tuple[Any, ...], findings: Findings
) -> None:
    scalar = model.document.scalars.get(path)
    if scalar is not None and scalar.tag.endswith(":timestamp") and not scalar.quoted:
        return  # the loader already reported a timestamp without a time zone
    if parse_timestamp(created) is None:
        findings.add(
            model.document.location(path),
            "timestamp",
            f"created '{created}' is not an ISO 8601 timestamp with a time zone",
            "write it like 2026-01-31T09:00:00Z",
        )


def _check_artifacts(
    spec: RepoSpec,
    model: Model,
    artifacts: dict[str, Any],
    path: tuple[Any, ...],
    findings: Findings,
) -> None:
    where = model.document.location
    base = (*path, "artifacts")
    image = artifacts.get("image")
    if image is not None and not IMAGE_DIGEST.match(image):
        findings.add(
            where((*base, "image")),
            "image-digest",
            f"image '{clip(image)}' is not pinned by digest; a tag can move",
            "write it as REPO@sha256:<64 hex> (docker buildx imagetools inspect "
            "shows the digest)",
        )
    azureml = artifacts.get("azureml") or {}
    for key in ("model", "environment"):
        ref = azureml.get(key)
        if ref is not None and _latest(ref):
            findings.add(
                where((*base, "azureml", key)),
                "azureml-pin",
                f"{key} '{clip(ref)}' uses 'latest', which is a label that moves, "
                "not a version",
                f"pin the version it stands for now (az ml {key} list --name NAME "
                "shows them), e.g. azureml:NAME:3",
            )
        elif ref is not None and not _pinned_asset(ref):
            findings.add(
                where((*base, "azureml", key)),
                "azureml-pin",
                f"{key} '{clip(ref)}' is not pinned to a version",
                "use azureml:NAME:VERSION or azureml://registries/R/"
                f"{key}s/NAME/versions/V (never a label such as @latest)",
            )
    for index, item in enumerate(artifacts.get("files") or []):
        if "path" in item:
            _check_repo_path(
                spec, model, item["path"], (*base, "files", index, "path"), findings
            )


def _latest(ref: str) -> bool:
    """``azureml:m:latest`` looks pinned, but Azure ML reads it as the label."""
    return bool(AZUREML_ASSET.match(ref) or AZUREML_REGISTRY.match(ref)) and (
        ref.rsplit(":", 1)[-1].lower() == "latest"
        or ref.rsplit("/", 1)[-1].lower() == "latest"
    )


def _pinned_asset(ref: str) -> bool:
    return bool(AZUREML_ASSET.match(ref) or AZUREML_REGISTRY.match(ref))


def _check_repo_path(
    spec: RepoSpec, model: Model, raw: str, path: tuple[Any, ...], findings: Findings
) -> None:
    where = model.document.location(path)
    clean = normalize(raw)
    if clean is None:
        findings.add(
            where,
            "path-escape",
            f"path '{clip(raw)}' leaves the repository",
            "use a path relative to the repo root, without '..'",
        )
    elif spec.source.is_symlink(clean):
        findings.add(
            where,
            "path-symlink",
            f"path '{clip(raw)}' is a symlink that leads outside the repository",
            "commit the file itself",
        )
    elif not spec.source.exists(clean):
        findings.add(
            where,
            "path-missing",
            f"file '{clip(raw)}' does not exist in the repository",
            "commit the file or fix the path",
        )
    elif spec.source.is_folder(clean):
        findings.add(
            where,
            "path-folder",
            f"path '{clip(raw)}' is a folder; list its files",
            "list each file under files: with its own path and sha256",
        )


def _check_pins(spec: RepoSpec, env: Environment, findings: Findings) -> None:
    seen: set[tuple[str, str]] = set()
    for model_name, version, path in env.pins():
        where = env.location((*path, "version"))
        model = spec.models.get(model_name)
        if model is None and spec.failed_to_load("Model", model_name):
            continue  # its own file already carries the error
        if model is None:
            known = ", ".join(sorted(spec.models)) or "none"
            findings.add(
                env.location((*path, "model")),
                "unknown-model",
                f"model '{model_name}' does not exist (known: {known})",
                f"add {spec.settings.models_dir}/{model_name}.yaml or fix the name",
            )
        elif version not in model.versions:
            findings.add(
                where,
                "unknown-version",
                f"{model_name} has no version '{version}' "
                f"(known: {', '.join(model.versions)})",
                f"add it to {model.document.path} or pin a known version",
            )
        if env.target_type == "filesystem" and (model_name, version) in seen:
            findings.add(
                where, "duplicate-pin", f"{model_name}@{version} is pinned twice"
            )
        seen.add((model_name, version))


def _versions(spec: RepoSpec, env: Environment) -> Iterator[tuple[Any, Any, tuple]]:
    for model_name, version, path in env.pins():
        model = spec.models.get(model_name)
        if model is not None and version in model.versions:
            yield model, model.versions[version], path


def _check_filesystem(spec: RepoSpec, env: Environment, findings: Findings) -> None:
    root = env.target["root"]
    if normalize(root) is None:
        findings.add(
            env.location(("spec", "target", "root")),
            "path-escape",
            f"root '{root}' leaves the repository",
            "use a folder relative to the repo root",
        )
    for model, version, path in _versions(spec, env):
        where = env.location((*path, "version"))
        if version.folder_version is None:
            findings.add(
                where,
                "serving-version",
                f"{model.name}@{version.version} has no integer version folder",
                f"add servingVersion to that version in {model.document.path}",
            )
        if not version.artifacts.get("files"):
            findings.add(
                where,
                "missing-artifact",
                f"{model.name}@{version.version} has no artifacts.files for a "
                "model repository",
                f"add them in {model.document.path}",
            )


def _check_docker(spec: RepoSpec, env: Environment, findings: Findings) -> None:
    names: set[str] = set()
    for index, host in enumerate(env.target["hosts"]):
        if host["name"] in names:
            findings.add(
                env.location(("spec", "target", "hosts", index, "name")),
                "duplicate-name",
                f"host '{host['name']}' is listed twice",
            )
        names.add(host["name"])
        if host["url"].startswith("ssh://") and not host.get("hostKey"):
            findings.add(
                env.location(("spec", "target", "hosts", index)),
                "ssh-host-key",
                f"host '{host['name']}' uses ssh:// without a pinned hostKey",
                "add hostKey: the line ssh-keyscan prints for that host",
            )
    for model, version, path in _versions(spec, env):
        if not version.artifacts.get("image"):
            findings.add(
                env.location((*path, "version")),
                "missing-artifact",
                f"{model.name}@{version.version} has no artifacts.image to run",
                f"add it in {model.document.path}",
            )
    for index, item in enumerate(env.spec.get("deployments") or []):
        env_vars = (item.get("container") or {}).get("env") or {}
        _check_secret_env(
            env, env_vars, ("spec", "deployments", index, "container", "env"), findings
        )


def _check_secret_env(
    env: Environment,
    env_vars: dict[str, Any],
    path: tuple[Any, ...],
    findings: Findings,
) -> None:
    for name, value in env_vars.items():
        if SECRET_NAME.search(name.upper()) and not isinstance(value, dict):
            findings.add(
                env.location((*path, name)),
                "literal-secret",
                f"{name} looks like a secret but holds a literal value",
                f"write {name}: {{secretRef: {{env: {name}}}}} and set it in the "
                "environment of the run",
            )


def _check_azureml(spec: RepoSpec, env: Environment, findings: Findings) -> None:
    names: set[str] = set()
    for e_index, endpoint in enumerate(env.spec.get("endpoints") or []):
        path = ("spec", "endpoints", e_index)
        _check_azure_name(env, endpoint["name"], (*path, "name"), "endpoint", findings)
        if endpoint["name"].lower() in names:
            findings.add(
                env.location((*path, "name")),
                "duplicate-name",
                f"endpoint '{endpoint['name']}' is listed twice",
            )
        names.add(endpoint["name"].lower())
        _check_endpoint_deployments(spec, env, endpoint, path, findings)
    for model, version, path in _versions(spec, env):
        if not (version.artifacts.get("azureml") or {}).get("model"):
            findings.add(
                env.location((*path, "version")),
                "missing-artifact",
                f"{model.name}@{version.version} has no artifacts.azureml.model",
                f"add it in {model.document.path}",
            )


def _check_endpoint_deployments(
    spec: RepoSpec,
    env: Environment,
    endpoint: dict[str, Any],
    path: tuple[Any, ...],
    findings: Findings,
) -> None:
    from gitops_ml.naming import deployment_name

    deployments = endpoint["deployments"]
    total = sum(d["traffic"] for d in deployments)
    if deployments and total != 100:
        findings.add(
            env.location((*path, "deployments")),
            "traffic-sum",
            f"traffic of endpoint '{endpoint['name']}' sums to {total}, must be 100",
            "adjust the traffic shares so they add up to 100",
        )
    mirrored = [i for i, d in enumerate(deployments) if d.get("mirror")]
    seen: set[str] = set()
    for index, deployment in enumerate(deployments):
        d_path = (*path, "deployments", index)
        name = deployment.get("name") or deployment_name(
            deployment["model"], deployment["version"]
        )
        _check_azure_name(env, name, (*d_path, "name"), "deployment", findings)
        if name.lower() in seen:
            findings.add(
                env.location(d_path),
                "duplicate-name",
                f"deployment '{name}' is listed twice in this endpoint",
            )
        seen.add(name.lower())
        mirror = deployment.get("mirror") or 0
        if mirror > 50:
            findings.add(
                env.location((*d_path, "mirror")),
                "mirror",
                f"mirror is {mirror}, at most 50 is allowed",
            )
        if mirror and deployment["traffic"]:
            findings.add(
                env.location((*d_path, "mirror")),
                "mirror",
                f"deployment '{name}' has live traffic and mirror traffic",
                "mirror only to a deployment with traffic: 0",
            )
        _check_code_folder(spec, env, deployment, d_path, findings)
        env_vars = (deployment.get("settings") or {}).get("environment_variables")
        if isinstance(env_vars, dict):
            _check_secret_env(
                env, env_vars, (*d_path, "settings", "environment_variables"), findings
            )
    if len(mirrored) > 1:
        findings.add(
            env.location((*path, "deployments", mirrored[1], "mirror")),
            "mirror",
            "only one deployment per endpoint may receive mirror traffic",
        )


def _check_code_folder(
    spec: RepoSpec,
    env: Environment,
    deployment: dict[str, Any],
    path: tuple[Any, ...],
    findings: Findings,
) -> None:
    """Scoring code is uploaded from this repo at apply: the folder must be here."""
    code = ((deployment.get("settings") or {}).get("code_configuration") or {}).get(
        "code"
    )
    if not isinstance(code, str) or code.startswith("azureml:"):
        return
    where = env.location((*path, "settings", "code_configuration", "code"))
    clean = normalize(code)
    if clean is None:
        findings.add(
            where,
            "path-escape",
            f"code folder '{code}' leaves the repository",
            "copy the scoring code into the GitOps repo and use a path relative to "
            "its root",
        )
    elif not spec.source.exists(clean):
        findings.add(
            where,
            "path-missing",
            f"code folder '{code}' does not exist in the repository",
            "commit the scoring code folder or fix the path",
        )


def _check_azure_name(
    env: Environment, name: str, path: tuple[Any, ...], what: str, findings: Findings
) -> None:
    if 3 <= len(name) <= 32 and AZURE_NAME.match(name) and "--" not in name:
        return
    findings.add(
        env.location(path),
        "azure-name",
        f"{what} name '{clip(name)}' breaks Azure ML's rule: 3-32 characters, a letter "
        "first, then letters, digits and single hyphens, not ending in a hyphen",
        "rename it" if what == "endpoint" else "set a shorter name: field",
    )


def _check_promotion(spec: RepoSpec, env: Environment, findings: Findings) -> None:
    upstream = env.upstream
    if upstream is None:
        return
    where = env.location(("spec", "promotion", "from"))
    if spec.failed_to_load("Environment", upstream):
        return  # its own file already carries the error
    if upstream not in spec.environments:
        findings.add(
            where,
            "unknown-environment",
            f"promotion.from names '{upstream}', which does not exist",
            f"known: {', '.join(sorted(spec.environments))}",
        )
        return
    chain = [env.name]
    current: str | None = upstream
    while current is not None and current in spec.environments:
        if current in chain:
            findings.add(
                where,
                "promotion-cycle",
                "promotion chain loops: " + " -> ".join([*chain, current]),
                "remove promotion.from from one environment of the loop",
            )
            return
        chain.append(current)
        current = spec.environments[current].upstream


TARGET_CHECKS: dict[str, Callable[[RepoSpec, Environment, Findings], None]] = {
    "filesystem": _check_filesystem,
    "docker": _check_docker,
    "azureml": _check_azureml,
}
