"""Promotion and rollback reports: the PR body, the terminal, JSON."""

from __future__ import annotations

from typing import Any

from gitops_ml.github.checks import CheckReport
from gitops_ml.promotion import trailers
from gitops_ml.promotion.promote import Promotion
from gitops_ml.report.console import console
from gitops_ml.report.github import (
    append_summary,
    commands_stopped,
    md_escape,
    set_outputs,
)
from gitops_ml.report.render import emit_json

MARKER = "<!-- gitops-ml:promotion -->"


def gate_table(promotion: Promotion) -> list[str]:
    lines = ["| Gate | Result | Detail |", "| --- | --- | --- |"]
    for gate in promotion.gates:
        verdict = "pass" if gate.passed else "**FAIL**"
        lines.append(
            f"| {md_escape(gate.gate)} | {verdict} | {md_escape(gate.detail)} |"
        )
    return lines


def markdown(promotion: Promotion, remote: str = "origin", base: str = "main") -> str:
    failed = [g for g in promotion.gates if not g.passed]
    verdict = (
        "All gates pass." if not failed else f"{len(failed)} gate(s) fail: not ready."
    )
    lines = [
        MARKER,
        f"## {md_escape(promotion.title)}",
        "",
        f"{md_escape(promotion.model)} **{md_escape(promotion.version)}** replaces "
        f"{md_escape(promotion.live or 'nothing')} in "
        f"**{md_escape(promotion.target)}**. "
        f"Base revision `{promotion.base[:12]}`. {verdict}",
        "",
        "### Gates",
        "",
        *gate_table(promotion),
        "",
        *[f"Next: {md_escape(step)}  " for step in promotion.next_steps],
        *([""] if promotion.next_steps else []),
        "### Lineage",
        "",
        *[
            f"- {md_escape(k)}: {md_escape(str(v))}"
            for k, v in promotion.lineage.items()
        ],
        "",
        f"### Plan for {md_escape(promotion.target)}",
        "",
        *[f"- {md_escape(change)}" for change in promotion.changes],
        "",
        f"Only `{promotion.env_path}` changes. After merge, `gitops-ml apply --env "
        f"{promotion.target}` rolls it out; `gitops-ml plan --env {promotion.target}` "
        "on this branch shows the target's own view.",
        "",
        "### How to roll back",
        "",
        "Revert the merge commit (`git revert -m 1 <merge>`), or run "
        f"`gitops-ml rollback --env {promotion.target} --model {promotion.model} "
        f"--open-pr`. Either holds {md_escape(promotion.version)} in "
        f"{md_escape(promotion.target)} and downstream until `gitops-ml hold release "
        f"{promotion.model}@{promotion.version}`.",
        "",
        "```",
        trailers.render(promotion.trailer_values()),
        "```",
    ]
    return "\n".join(lines) + "\n"


def check_report(promotion: Promotion, body: str) -> CheckReport:
    failed = [g for g in promotion.gates if not g.passed]
    title = (
        f"{promotion.model} {promotion.version}: all {len(promotion.gates)} gates pass"
        if not failed
        else f"{promotion.model} {promotion.version}: {len(failed)} gate(s) fail"
    )
    return CheckReport(
        name=f"gitops-ml/promote ({promotion.target})",
        title=title,
        summary=body,
        failed=bool(failed),
    )


def to_json(promotion: Promotion, pull: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "model": promotion.model,
        "version": promotion.version,
        "from": promotion.source,
        "to": promotion.target,
        "live": promotion.live,
        "base": promotion.base,
        "passed": promotion.passed,
        "changed": not promotion.no_change,
        "branch": promotion.branch if promotion.commit else None,
        "commit": promotion.commit or None,
        "gates": [
            {
                "gate": g.gate,
                "kind": g.kind,
                "passed": g.passed,
                "detail": g.detail,
                "next": g.next or None,
            }
            for g in promotion.gates
        ],
        "lineage": promotion.lineage,
        "pullRequest": pull,
    }


def render(promotion: Promotion, pull: dict[str, Any] | None, fmt: str) -> None:
    if fmt == "json":
        emit_json(to_json(promotion, pull))
        return
    if fmt == "github" and not promotion.no_change:
        append_summary(markdown(promotion))
    if fmt == "github" and pull:
        set_outputs({"pull-request-url": str(pull["url"])})
    with commands_stopped(fmt == "github"):
        _render_text(promotion, pull)


def _render_text(promotion: Promotion, pull: dict[str, Any] | None) -> None:
    """Text repeats gate names and details from YAML: printed without markup."""
    out = console()
    if promotion.no_change:
        out.print(
            f"{promotion.target} already runs {promotion.model} {promotion.version}: "
            "nothing to promote",
            markup=False,
        )
        return
    out.print(promotion.title, markup=False, style="bold")
    for gate in promotion.gates:
        mark = "[green]pass[/green]" if gate.passed else "[red]FAIL[/red]"
        out.print(f"  {mark} ", markup=True, end="")
        out.print(f"{gate.gate}: {gate.detail}", markup=False)
    for step in promotion.next_steps:
        out.print(f"next: {step}", markup=False)
    if promotion.commit:
        out.print(
            f"committed {promotion.commit[:7]} on branch {promotion.branch}",
            markup=False,
        )
    if pull:
        verb = "opened" if pull["created"] else "updated"
        out.print(f"{verb} pull request #{pull['number']}: {pull['url']}", markup=False)
