"""gitops-ml validate: schemas, references and policies, with no network."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from gitops_ml.github.publishing import (
    add_report_argument,
    publish_report,
    validation_report,
    wants_check_run,
)
from gitops_ml.report import render
from gitops_ml.report.published import published
from gitops_ml.spec.immutability import check_immutable
from gitops_ml.validation import ValidationResult
from gitops_ml.workspace import load_folder, load_revision, repo_root

HELP = "check the GitOps repo: schemas, references, policies (no network)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders to report on (default: the whole repo)",
    )
    parser.add_argument(
        "--base",
        metavar="REV",
        help="also check that versions already in use did not change",
    )
    add_report_argument(parser)


def run(args: argparse.Namespace) -> int:
    root = repo_root(args.repo)
    wanted = [_relative(root, p) for p in args.paths]
    extra = [p for p in wanted if p.endswith((".yaml", ".yml"))]
    spec = load_folder(root, extra)
    if args.base:
        base = load_revision(root, args.base)
        spec.findings.extend(check_immutable(base, spec))
    findings = [
        f
        for f in spec.findings.sorted()
        if not wanted or any(_under(f.location.file, w) for w in wanted)
    ]
    files = [f for f in spec.files if not wanted or any(_under(f, w) for w in wanted)]
    result = ValidationResult(files=files, findings=findings)
    render.validation(result, args.format)
    if wants_check_run(args):
        report = validation_report(result, render.validation_markdown(result))
        published(publish_report(root, report), report, args.format)
    return 1 if findings else 0


def _relative(root: Path, path: str) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return path


def _under(file: str, wanted: str) -> bool:
    wanted = wanted.rstrip("/")
    return wanted in ("", ".") or file == wanted or file.startswith(wanted + "/")
