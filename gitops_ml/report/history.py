"""Rollbacks, holds and history for people and scripts."""

from __future__ import annotations

from gitops_ml.promotion.history import Hold, PinChange, Release
from gitops_ml.promotion.publish import Opened
from gitops_ml.promotion.rollback import Rollback
from gitops_ml.report.console import console
from gitops_ml.report.github import append_summary, md_escape, set_outputs
from gitops_ml.report.render import emit_json


def rollback_markdown(result: Rollback) -> str:
    undo = f"It reverts `{result.reverted}`, " if result.reverted else "It "
    return (
        f"## {md_escape(result.title)}\n\n"
        f"{undo}so `{md_escape(result.environment)}` runs "
        f"{md_escape(result.model)} {md_escape(result.restored)} again after merge "
        "and apply.\n\n"
        f"Merging holds {md_escape(result.model)} {md_escape(result.rolled_back)} in "
        f"{md_escape(result.environment)} and downstream: `gitops-ml promote` will "
        f"not pick it until `gitops-ml hold release {result.model}@"
        f"{result.rolled_back}`.\n"
    )


def render_rollback(result: Rollback, opened: Opened | None, fmt: str) -> None:
    if fmt == "json":
        emit_json(
            {
                "environment": result.environment,
                "model": result.model,
                "rolledBack": result.rolled_back,
                "restored": result.restored,
                "reverted": result.reverted or None,
                "branch": result.branch,
                "commit": result.commit,
                "pullRequest": opened.to_json() if opened else None,
            }
        )
        return
    if fmt == "github":
        append_summary(rollback_markdown(result))
        if opened:
            set_outputs({"pull-request-url": opened.url})
    out = console()
    out.print(result.title, markup=False, style="bold")
    out.print(f"committed {result.commit[:7]} on branch {result.branch}", markup=False)
    if opened:
        verb = "opened" if opened.created else "updated"
        out.print(f"{verb} pull request #{opened.number}: {opened.url}", markup=False)


def _hold_json(hold: Hold) -> dict[str, str]:
    return {
        "environment": hold.environment,
        "model": hold.model,
        "version": hold.version,
        "commit": hold.commit,
        "origin": hold.origin,
        "subject": hold.subject,
    }


def render_holds(holds: list[Hold], fmt: str) -> None:
    if fmt == "json":
        emit_json({"holds": [_hold_json(h) for h in holds]})
        return
    out = console()
    if not holds:
        out.print("no holds", markup=False)
    for hold in holds:
        out.print(
            f"{hold.environment}: {hold.model} {hold.version} held by "
            f"{hold.commit[:7]} ({hold.subject})",
            markup=False,
        )


def render_release(
    model: str, version: str, held: list[Hold], sha: str, fmt: str
) -> None:
    envs = sorted({h.environment for h in held})
    if fmt == "json":
        emit_json(
            {"model": model, "version": version, "environments": envs, "commit": sha}
        )
        return
    console().print(
        f"released {model} {version} in {', '.join(envs)} with commit {sha[:7]}; "
        "push it to share the release",
        markup=False,
    )


def render_history(
    changes: list[PinChange], releases: list[Release], holds: list[Hold], fmt: str
) -> None:
    if fmt == "json":
        emit_json(
            {
                "changes": [
                    {
                        "commit": c.commit,
                        "date": c.date,
                        "environment": c.environment,
                        "model": c.model,
                        "kind": c.kind,
                        "before": c.before,
                        "after": c.after,
                        "subject": c.subject,
                    }
                    for c in changes
                ],
                "releases": [
                    {"commit": r.commit, "model": r.model, "version": r.version}
                    for r in releases
                ],
                "holds": [_hold_json(h) for h in holds],
            }
        )
        return
    out = console()
    for c in changes:
        out.print(
            f"{c.date[:19]} {c.commit[:7]} {c.environment:<10} {c.model} "
            f"{c.kind:<9} {c.before or '-'} -> {c.after or '-'}  {c.subject}",
            markup=False,
        )
    for r in releases:
        out.print(
            f"{r.date[:19]} {r.commit[:7]} release {r.model}@{r.version}", markup=False
        )
    render_holds(holds, fmt)
