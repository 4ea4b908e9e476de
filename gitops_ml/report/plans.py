"""Render plans, apply results, drift and status as text, JSON or GitHub output."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from gitops_ml import gitrepo
from gitops_ml.reconcile.engine import DriftReport
from gitops_ml.reconcile.hashing import REDACTED
from gitops_ml.reconcile.objects import (
    Action,
    ApplyResult,
    Change,
    EnvironmentFailure,
    Held,
    Plan,
)
from gitops_ml.reconcile.status import EnvironmentStatus
from gitops_ml.report import github
from gitops_ml.report.console import console
from gitops_ml.report.render import emit_json

DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
SYMBOL = {
    "create": "+",
    "update": "~",
    "repair": "~",
    "wait": "*",
    "shift": "~",
    "delete": "-",
}
COLOR = {
    "create": "green",
    "update": "yellow",
    "repair": "yellow",
    "shift": "cyan",
    "wait": "cyan",
    "delete": "red",
}
HELD_HINT = (
    "fix and change the desired state, or re-run with --retry-failed (an artifact "
    "fixed at its source under the same sha256 is the same desired state: it needs "
    "--retry-failed too)"
)
STATE_COLOR = {
    "in sync": "green",
    "behind": "yellow",
    "drifted": "magenta",
    "failed": "red",
    "in progress": "cyan",
    "unknown": "red",
}


# -- JSON shapes (documented by schemas/plan.schema.json and status.schema.json) ----


def action_json(action: Action) -> dict[str, Any]:
    return {
        "op": action.op,
        "site": action.site,
        "name": action.name,
        "model": action.model,
        "version": action.version,
        "fromVersion": action.observed.version if action.observed else None,
        "reason": action.reason,
        "changes": [
            {"field": c.field, "before": _safe(c.before), "after": _safe(c.after)}
            for c in action.changes
        ],
    }


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "environment": plan.environment,
        "target": plan.target,
        "revision": plan.revision,
        "changed": plan.changed,
        "matchesGit": plan.matches_git,
        "actions": [action_json(a) for a in plan.actions],
        "held": [held_json(h) for h in plan.held],
        "unreachable": [{"site": s.site, "detail": s.detail} for s in plan.unreachable],
        "notes": plan.notes,
        "error": None,
    }


def held_json(held: Held) -> dict[str, Any]:
    return {
        "site": held.site,
        "name": held.name,
        "model": held.model,
        "version": held.version,
        "failedAt": held.revision,
        "message": held.message,
    }


def error_json(failure: EnvironmentFailure) -> dict[str, Any]:
    return {"message": failure.message, "hint": failure.hint}


def failed_plan_json(failure: EnvironmentFailure) -> dict[str, Any]:
    """A plan entry for an environment the command could not finish."""
    return {
        "environment": failure.environment,
        "target": failure.target,
        "revision": failure.revision,
        "changed": False,
        "matchesGit": False,
        "actions": [],
        "held": [],
        "unreachable": [],
        "notes": [],
        "error": error_json(failure),
    }


# -- environments that failed ------------------------------------------------


def _failures_text(failures: list[EnvironmentFailure]) -> None:
    """Each failed environment as the CLI prints an error: on stderr, one line
    naming the environment, then the next step."""
    err = console(sys.stderr)
    for failure in failures:
        where = f"{failure.environment} ({failure.target})"
        err.print(f"error: {_one_line(where + ': ' + failure.message)}", markup=False)
        if failure.hint:
            err.print(f"  next: {_one_line(failure.hint)}", markup=False)


def _one_line(text: str) -> str:
    return github.escape_controls(text.replace("\r", "\\r").replace("\n", "\\n"))


def _failure_annotations(failures: list[EnvironmentFailure]) -> None:
    for failure in failures:
        hint = f" (next: {failure.hint})" if failure.hint else ""
        print(
            github.annotation(
                "error",
                f"{failure.environment}: {failure.message}{hint}",
                title=f"gitops-ml: environment {failure.environment} failed",
            )
        )


def _failures_markdown(failures: list[EnvironmentFailure]) -> list[str]:
    lines = []
    for failure in failures:
        lines += [
            f"**{github.md_escape(failure.environment)}** ({failure.target}): "
            f"error: {github.md_escape(failure.message)}",
            "",
        ]
        if failure.hint:
            lines += [f"Next: {github.md_escape(failure.hint)}", ""]
    return lines


def _safe(value: Any) -> Any:
    """Secrets appear in specs as {"secretRef": ..., "sha256": ...}: show neither."""
    if isinstance(value, dict):
        if "secretRef" in value:
            return REDACTED
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value


# -- plan ----------------------------------------------------------------------


def render_plans(
    results: list[Plan],
    output_format: str,
    failures: list[EnvironmentFailure] | None = None,
) -> None:
    failures = failures or []
    payload = {
        "plans": [plan_json(p) for p in results]
        + [failed_plan_json(f) for f in failures]
    }
    if output_format == "json":
        emit_json(payload)
        return
    out = console()
    with github.commands_stopped(output_format == "github"):
        for plan in results:
            _plan_text(out, plan)
        _failures_text(failures)
    if output_format == "github":
        _failure_annotations(failures)
        github.append_summary(plans_markdown(results, failures))
        github.publish_json(
            "plan",
            payload,
            changed=_flag(any(not p.matches_git for p in results)),
            environments=json.dumps([p.environment for p in results]),
        )


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _plan_text(out: Any, plan: Plan) -> None:
    out.print(
        f"[bold]{plan.environment}[/bold] ({plan.target}) at {plan.revision[:7]}",
        markup=True,
    )
    for action in plan.actions:
        _action_text(out, action)
    for held in plan.held:
        _held_text(out, held)
    for note in plan.notes:
        out.print(f"  note: {note}", markup=False, style="dim")
    counts = {
        op: sum(a.op == op for a in plan.actions)
        for op in ("create", "update", "repair", "wait", "shift", "delete")
    }
    if plan.matches_git:
        out.print("  No changes: the target matches Git.", markup=False)
        return
    summary = ", ".join(f"{n} to {op}" for op, n in counts.items() if n)
    if plan.held:
        kept = f"{len(plan.held)} held after failing (the target does not match Git)"
        summary = f"{summary}; {kept}" if summary else f"nothing to do, {kept}"
    if plan.unreachable:
        sites = ", ".join(s.site or "(local)" for s in plan.unreachable)
        missed = f"not reached: {sites} (nothing planned there)"
        summary = f"{summary}; {missed}" if summary else missed
    out.print(f"  Plan: {summary}.", markup=False)


def _held_text(out: Any, held: Held) -> None:
    where = f"{held.site}/" if held.site else ""
    out.print(f"  [red]! held {where}{held.name}[/red]", markup=True, end="")
    out.print(
        f" ({held.model}@{held.version}): failed at {held.revision[:7]} "
        f"({held.message}); not retried until the desired state changes "
        "(or --retry-failed)",
        markup=False,
    )


def _action_text(out: Any, action: Action) -> None:
    where = f"{action.site}/" if action.site else ""
    symbol, color = SYMBOL[action.op], COLOR[action.op]
    pin = f" ({action.model}@{action.version})" if action.model else ""
    out.print(
        f"  [{color}]{symbol} {action.op} {where}{action.name}[/{color}]{pin}: ",
        markup=True,
        end="",
    )
    out.print(action.reason, markup=False)
    for change in action.changes:
        out.print(f"      {_change_text(change)}", markup=False)


def _change_text(change: Change) -> str:
    """``+ field: new``, ``- field: old`` or ``~ field: old -> new``, as terraform."""
    if change.before is None:
        return f"+ {change.field}: {_short(change.after)}"
    if change.after is None:
        return f"- {change.field}: {_short(change.before)}"
    return f"~ {change.field}: {_short(change.before)} -> {_short(change.after)}"


def _short(value: Any) -> str:
    text = str(_safe(value)) if value is not None else "(none)"
    text = DIGEST.sub(lambda m: m.group(0)[:19], text)  # sha256: and 12 hex digits
    return text if len(text) <= 100 else text[:97] + "..."


def plans_markdown(
    results: list[Plan], failures: list[EnvironmentFailure] | None = None
) -> str:
    lines = ["### gitops-ml plan", ""]
    for plan in results:
        lines.append(
            f"**{github.md_escape(plan.environment)}** "
            f"({plan.target}) at `{plan.revision[:7]}`"
        )
        lines.append("")
        if plan.matches_git:
            lines += ["No changes.", ""]
            continue
        lines += ["| | Object | Version | Why |", "| --- | --- | --- | --- |"]
        for a in plan.actions:
            where = f"{a.site}/" if a.site else ""
            lines.append(
                f"| {SYMBOL[a.op]} {a.op} | {github.md_escape(where + a.name)} | "
                f"{github.md_escape(a.version)} | {github.md_escape(a.reason)} |"
            )
        for h in plan.held:
            where = f"{h.site}/" if h.site else ""
            lines.append(
                f"| ! held | {github.md_escape(where + h.name)} | "
                f"{github.md_escape(h.version)} | failed at `{h.revision[:7]}`: "
                f"{github.md_escape(h.message)} |"
            )
        lines.append("")
    return "\n".join(lines + _failures_markdown(failures or []))


def render_affected(names: list[str], output_format: str) -> None:
    if output_format == "json":
        emit_json({"environments": names})
        return
    for name in names:
        print(name)
    if output_format == "github":
        github.publish_json(
            "affected",
            {"environments": names},
            changed=_flag(bool(names)),
            environments=json.dumps(names),
        )


# -- apply ---------------------------------------------------------------------


def render_applies(
    results: list[ApplyResult],
    output_format: str,
    failures: list[EnvironmentFailure] | None = None,
) -> None:
    failures = failures or []
    payload = {
        "applies": [_apply_json(r) for r in results]
        + [{**failed_plan_json(f), "ok": False, "steps": []} for f in failures]
    }
    if output_format == "json":
        emit_json(payload)
        return
    out = console()
    with github.commands_stopped(output_format == "github"):
        for result in results:
            if result.steps:
                _apply_text(out, result)
            else:
                _plan_text(out, result.plan)
            _held_apply_text(out, result)
        _failures_text(failures)
    if output_format == "github":
        _apply_annotations(results)
        _failure_annotations(failures)
        github.append_summary(plans_markdown([r.plan for r in results], failures))
        github.publish_json(
            "apply",
            payload,
            changed=_flag(any(s.ok for r in results for s in r.steps)),
            environments=json.dumps([r.plan.environment for r in results]),
        )


def held_message(count: int) -> str:
    return f"{count} version(s) held after failing; {HELD_HINT}"


def _held_apply_text(out: Any, result: ApplyResult) -> None:
    if result.plan.held:
        out.print("  [red]error[/red]: ", markup=True, end="")
        out.print(held_message(len(result.plan.held)), markup=False)


def _apply_annotations(results: list[ApplyResult]) -> None:
    for result in results:
        for step in result.failed:
            print(
                github.annotation(
                    "error",
                    f"{result.plan.environment}: {step.action.name}: {step.message}",
                )
            )
        if result.plan.held:
            message = held_message(len(result.plan.held))
            print(github.annotation("error", f"{result.plan.environment}: {message}"))


def _apply_json(result: ApplyResult) -> dict[str, Any]:
    return {
        **plan_json(result.plan),
        "ok": result.ok and not result.plan.held,
        "steps": [
            {
                **action_json(s.action),
                "ok": s.ok,
                "message": s.message,
                "rolledBack": s.rolled_back,
                "hint": s.details.get("hint", ""),
            }
            for s in result.steps
        ],
    }


def _apply_text(out: Any, result: ApplyResult) -> None:
    plan = result.plan
    out.print(
        f"[bold]{plan.environment}[/bold] ({plan.target}) at {plan.revision[:7]}",
        markup=True,
    )
    for step in result.steps:
        mark = "[green]ok[/green]" if step.ok else "[red]FAILED[/red]"
        where = f"{step.action.site}/" if step.action.site else ""
        action = step.action
        pin = f" ({action.model}@{action.version})" if action.model else ""
        out.print(
            f"  {mark} {action.op} {where}{action.name}{pin}: ",
            markup=True,
            end="",
        )
        out.print(step.message, markup=False)
        if not step.ok and step.details.get("hint"):
            out.print(f"      next: {step.details['hint']}", markup=False, style="dim")
    failed = len(result.failed)
    done = len(result.steps) - failed
    out.print(f"  Apply: {done} done, {failed} failed.", markup=False)


# -- drift ---------------------------------------------------------------------


def render_drift(
    reports: list[DriftReport],
    output_format: str,
    failures: list[EnvironmentFailure] | None = None,
) -> None:
    failures = failures or []
    payload = {
        "drift": [_drift_json(r) for r in reports]
        + [
            {
                "environment": f.environment,
                "drifted": [],
                "repaired": None,
                "error": error_json(f),
            }
            for f in failures
        ]
    }
    if output_format == "json":
        emit_json(payload)
        return
    with github.commands_stopped(output_format == "github"):
        _drift_text(reports)
        _failures_text(failures)
    if output_format == "github":
        _failure_annotations(failures)
        for report in reports:
            for obj in report.drifted:
                print(
                    github.annotation(
                        "warning",
                        f"{report.environment}: {obj.name} drifted: {obj.detail}",
                    )
                )
        github.append_summary(
            "\n".join([drift_markdown(reports), *_failures_markdown(failures)])
        )
        github.publish_json(
            "drift",
            payload,
            changed=_flag(any(r.drifted for r in reports)),
            environments=json.dumps([r.environment for r in reports]),
        )


def _drift_text(reports: list[DriftReport]) -> None:
    out = console()
    for report in reports:
        if not report.drifted:
            out.print(f"{report.environment}: no drift", markup=False)
            continue
        out.print(
            f"[bold]{report.environment}[/bold]: {len(report.drifted)} drifted",
            markup=True,
        )
        for obj in report.drifted:
            where = f"{obj.site}/" if obj.site else ""
            out.print(
                f"  ! {where}{obj.name} ({obj.model}@{obj.version}, applied at "
                f"{(obj.revision or '?')[:7]}): {obj.detail}",
                markup=False,
            )
        if report.repaired is not None:
            _apply_text(out, report.repaired)


def drift_markdown(reports: list[DriftReport]) -> str:
    lines = ["### gitops-ml drift", ""]
    for report in reports:
        name = github.md_escape(report.environment)
        if not report.drifted:
            lines += [f"**{name}**: no drift.", ""]
            continue
        lines += [
            f"**{name}**: {len(report.drifted)} drifted.",
            "",
            "| Object | Version | Applied at | Difference |",
            "| --- | --- | --- | --- |",
        ]
        for obj in report.drifted:
            where = f"{obj.site}/" if obj.site else ""
            lines.append(
                f"| {github.md_escape(where + obj.name)} | "
                f"{github.md_escape(obj.version)} | "
                f"`{(obj.revision or '?')[:7]}` | {github.md_escape(obj.detail)} |"
            )
        lines.append("")
    return "\n".join(lines)


def _drift_json(report: DriftReport) -> dict[str, Any]:
    return {
        "environment": report.environment,
        "drifted": [
            {
                "site": o.site,
                "name": o.name,
                "model": o.model,
                "version": o.version,
                "revision": o.revision,
                "detail": o.detail,
            }
            for o in report.drifted
        ],
        "repaired": _apply_json(report.repaired) if report.repaired else None,
        "error": None,
    }


# -- status --------------------------------------------------------------------


def render_status(
    results: list[EnvironmentStatus],
    root: Path,
    output_format: str,
    failures: list[EnvironmentFailure] | None = None,
) -> None:
    failures = failures or []
    repo = gitrepo.open_repo(root)
    shorts = {
        sha: _abbreviate(repo, sha)
        for r in results
        for sha in r.applied_revisions | {r.desired_revision}
    }
    shorts.update({f.revision: _abbreviate(repo, f.revision) for f in failures})
    if output_format == "json":
        emit_json(
            {
                "environments": [_status_json(r, repo, shorts) for r in results]
                + [_failed_status_json(f, shorts) for f in failures]
            }
        )
        return
    out = console()
    with github.commands_stopped(output_format == "github"):
        _status_text(out, repo, results, shorts)
        _failures_text(failures)
    if output_format == "github":
        _failure_annotations(failures)


def _status_text(
    out: Any, repo: Any, results: list[EnvironmentStatus], shorts: dict[str, str]
) -> None:
    for result in results:
        applied = newest(repo, result.applied_revisions)
        color = STATE_COLOR[result.state]
        out.print(
            f"[bold]{result.environment}[/bold]: [{color}]{result.state}[/{color}]  "
            f"applied {shorts.get(applied, 'never') if applied else 'never'}, "
            f"Git at {shorts[result.desired_revision]}",
            markup=True,
        )
        for obj in result.objects:
            where = f"{obj.site}/" if obj.site else ""
            version = obj.observed_version or "-"
            if obj.desired_version and obj.desired_version != obj.observed_version:
                version += f" (Git: {obj.desired_version})"
            rev = shorts.get(obj.revision or "", "-")
            reason = f"  {obj.reason}" if obj.reason else ""
            out.print(
                f"  {where}{obj.name}: {version} at {rev}  {obj.state}{reason}",
                markup=False,
            )
        for site in result.sites:
            if not site.reachable:
                out.print(
                    f"  site {site.site or '(local)'}: unreachable {site.detail}",
                    markup=False,
                )
        if result.lease_holder:
            out.print(f"  apply running: {result.lease_holder}", markup=False)


def _abbreviate(repo: Any, sha: str) -> str:
    """The SHA as git log --oneline prints it (7 or more digits, as unique needs)."""
    try:
        return str(repo.git.rev_parse("--short", sha))
    except Exception:  # a revision this clone lacks
        return sha[:7]


def newest(repo: Any, revisions: set[str]) -> str | None:
    best: str | None = None
    for sha in revisions:
        try:
            if best is None or repo.is_ancestor(best, sha):
                best = sha
        except Exception:  # a revision this clone lacks cannot be ordered
            continue
    return best


def _status_json(
    result: EnvironmentStatus, repo: Any, shorts: dict[str, str]
) -> dict[str, Any]:
    applied = newest(repo, result.applied_revisions)
    return {
        "environment": result.environment,
        "state": result.state,
        "appliedRevision": applied,
        "appliedRevisionShort": shorts.get(applied) if applied else None,
        "desiredRevision": result.desired_revision,
        "desiredRevisionShort": shorts[result.desired_revision],
        "leaseHolder": result.lease_holder,
        "error": None,
        "objects": [
            {
                "site": o.site,
                "name": o.name,
                "model": o.model,
                "desiredVersion": o.desired_version,
                "observedVersion": o.observed_version,
                "revision": o.revision,
                "state": o.state,
                "reason": o.reason,
            }
            for o in result.objects
        ],
        "sites": [
            {
                "site": s.site,
                "reachable": s.reachable,
                "lastReached": s.last_reached,
                "detail": s.detail,
            }
            for s in result.sites
        ],
    }


def _failed_status_json(
    failure: EnvironmentFailure, shorts: dict[str, str]
) -> dict[str, Any]:
    """A status entry for an environment whose target could not be read."""
    return {
        "environment": failure.environment,
        "state": "unknown",
        "appliedRevision": None,
        "appliedRevisionShort": None,
        "desiredRevision": failure.revision,
        "desiredRevisionShort": shorts[failure.revision],
        "leaseHolder": None,
        "error": error_json(failure),
        "objects": [],
        "sites": [],
    }
