"""Promote a model version into an environment: pick, gate, edit, commit.

Everything is read from the base revision (the deploy branch), so a pull request can
neither raise its own metrics nor skip a gate by editing the gate list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from gitops_ml.errors import InputError
from gitops_ml.naming import deployment_name
from gitops_ml.promotion import gates, trailers, yamledit
from gitops_ml.promotion.gates import GateResult, UpstreamObservation
from gitops_ml.promotion.history import Hold, is_earlier, read_history
from gitops_ml.spec.documents import Environment, Model
from gitops_ml.spec.repo import RepoSpec

Observe = Callable[[RepoSpec, str, str, str], UpstreamObservation]


@dataclass(frozen=True)
class Request:
    model: str
    to: str
    source: str | None = None
    version: str | None = None
    force: bool = False


@dataclass
class Promotion:
    model: str
    version: str
    source: str | None
    target: str
    live: str | None
    base: str
    env_path: str
    new_text: str
    gates: list[GateResult]
    lineage: dict[str, str]
    changes: list[str]
    hold: Hold | None = None
    forced: bool = False
    commit: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gates)

    @property
    def next_steps(self) -> list[str]:
        """What to do about the failing gates, one line each, no repeats."""
        return list(dict.fromkeys(g.next for g in self.gates if g.next))

    @property
    def no_change(self) -> bool:
        return self.live == self.version

    @property
    def branch(self) -> str:
        return f"gitops-ml/promote/{self.target}/{self.model}"

    @property
    def title(self) -> str:
        origin = f" from {self.source}" if self.source else ""
        return f"Promote {self.model} {self.version} to {self.target}{origin}"

    def trailer_values(self) -> list[tuple[str, str]]:
        values = [
            (trailers.MODEL, self.model),
            (trailers.VERSION, self.version),
            (trailers.FROM, self.source or "-"),
            (trailers.TO, self.target),
        ]
        if self.live:
            values.append((trailers.PREVIOUS, self.live))
        return values

    def message(self) -> str:
        failed = [g for g in self.gates if not g.passed]
        verdict = (
            f"Gates: {len(self.gates)} passed."
            if not failed
            else f"Gates failed: {', '.join(g.gate for g in failed)}."
        )
        return (
            f"{self.title}\n\n{verdict}\n\n{trailers.render(self.trailer_values())}\n"
        )


def prepare(
    root: Path, spec: RepoSpec, request: Request, observe: Observe, now: datetime
) -> Promotion:
    target = spec.environment(request.to)
    model = model_named(spec, request.model)
    source = _source(spec, target, request)
    version = _candidate(spec, model, source, request)
    live = _pinned(target, model)
    _refuse_downgrade(model, version, live, target.name, request.force)
    text = spec.source.read(target.document.path).decode("utf-8")
    promotion = Promotion(
        model=model.name,
        version=version,
        source=source,
        target=target.name,
        live=live,
        base=spec.source.commit_sha,
        env_path=target.document.path,
        new_text=text,
        gates=[],
        lineage=_lineage(model, version),
        changes=_changes(target, model.name, version),
        forced=request.force,
    )
    if promotion.no_change:
        return promotion
    promotion.new_text = yamledit.set_version(text, target, model.name, version)
    promotion.hold = read_history(root, spec, promotion.base).hold_for(
        target.name, model.name, version
    )
    promotion.gates = _gates(spec, target, model, promotion, observe, now)
    return promotion


def _gates(
    spec: RepoSpec,
    target: Environment,
    model: Model,
    promotion: Promotion,
    observe: Observe,
    now: datetime,
) -> list[GateResult]:
    candidate = model.versions[promotion.version]
    live = model.versions.get(promotion.live) if promotion.live else None
    upstream = (
        observe(spec, promotion.source, model.name, promotion.version)
        if promotion.source
        else None
    )
    results = gates.evaluate(
        list(target.promotion.get("gates") or []),
        target.promotion.get("soak"),
        candidate,
        live,
        upstream,
        now,
    )
    return [*results, _hold_gate(promotion)]


def _hold_gate(promotion: Promotion) -> GateResult:
    hold = promotion.hold
    name = f"{promotion.version} not held in {promotion.target}"
    if hold is None:
        return GateResult(name, True, "no hold", "hold")
    detail = (
        f"held since {hold.commit[:7]} moved {hold.origin} back from "
        f"{hold.version} ({hold.subject}); release with: gitops-ml hold release "
        f"{hold.model}@{hold.version}"
    )
    if promotion.forced:
        return GateResult(name, True, f"--force given; {detail}", "hold")
    hint = (
        f"release the hold (gitops-ml hold release {hold.model}@{hold.version}) "
        "or pass --force"
    )
    return GateResult(name, False, detail, "hold", hint)


def model_named(spec: RepoSpec, name: str) -> Model:
    """The model called ``name``, or an error listing the known ones."""
    if name not in spec.models:
        known = ", ".join(sorted(spec.models)) or "none"
        raise InputError(
            f"model '{name}' does not exist (known: {known})",
            hint=f"add {spec.settings.models_dir}/{name}.yaml or pick a known model",
        )
    return spec.models[name]


def _refuse_downgrade(
    model: Model, version: str, live: str | None, target: str, force: bool
) -> None:
    """Promotion moves forward; going back is a rollback, which records a hold."""
    if live is None or force or not is_earlier(model, version, live):
        return
    raise InputError(
        f"{model.name} {version} is older than {live}, which {target} pins: "
        "promote only moves a version forward",
        hint=f"to go back use gitops-ml rollback --env {target} --model {model.name} "
        f"(it holds {live}); --force pins the older version anyway",
    )


def _source(spec: RepoSpec, target: Environment, request: Request) -> str | None:
    upstream = target.upstream
    source = request.source or upstream
    if source == target.name:
        other = upstream if upstream and upstream != source else ""
        raise InputError(
            f"cannot promote {target.name} from itself (from: {source})",
            hint=f"use --from {other}"
            if other
            else "name another environment with --from, or pass --version V",
        )
    mismatch = request.source and upstream and request.source != upstream
    if mismatch and not request.force:
        raise InputError(
            f"--from {request.source} does not match promotion.from: {upstream}",
            location=target.location(("spec", "promotion", "from")),
            hint=f"use --from {upstream}, or --force to promote from elsewhere",
        )
    if source:
        spec.environment(source)
    return source


def _candidate(
    spec: RepoSpec, model: Model, source: str | None, request: Request
) -> str:
    if request.version is not None and not request.version.strip():
        raise InputError(
            "--version is empty",
            hint="pass a version (--version 1.10), or leave it out to take the "
            "upstream environment's",
        )
    if request.version:
        version = request.version
    elif source:
        pinned = _pinned(spec.environment(source), model)
        if pinned is None:
            raise InputError(
                f"environment '{source}' runs no version of {model.name}",
                hint=f"promote {model.name} into {source} first, or pass --version",
            )
        version = pinned
    else:
        raise InputError(
            f"environment '{request.to}' has no promotion.from",
            hint="pass --version V or --from ENV",
        )
    if version not in model.versions:
        raise InputError(
            f'{model.name} has no version "{version}"',
            location=model.document.location(("spec", "versions")),
            hint=f"known versions: {', '.join(model.versions)}",
        )
    return version


def _pinned(env: Environment, model: Model) -> str | None:
    versions = [v for m, v, _ in env.pins() if m == model.name]
    newest: str | None = None
    for version in versions:
        if newest is None or is_earlier(model, newest, version):
            newest = version
    return newest


def _lineage(model: Model, version: str) -> dict[str, str]:
    item = model.versions[version]
    return {
        "created": str(item.created),
        **{k: str(v) for k, v in item.lineage.items()},
    }


def _changes(env: Environment, model: str, version: str) -> list[str]:
    lines = []
    for pinned, old, path in env.pins():
        if pinned != model or old == version:
            continue
        site = _site(env, path)
        if env.target_type == "azureml":
            lines.append(
                f"{site}: create deployment {deployment_name(model, version)}, "
                f"move its traffic from {deployment_name(model, old)}, then remove it"
            )
        else:
            lines.append(f"{site}: {model} {old} -> {version}")
    return lines


def _site(env: Environment, path: tuple[str | int, ...]) -> str:
    if path[1] == "endpoints":
        return f"endpoint {env.spec['endpoints'][path[2]]['name']}"
    item = env.spec["deployments"][path[2]]
    return f"deployment {item.get('name', item['model'])}"
