"""gitops-ml validate: schemas, references and policies, with no network."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from gitops_ml.errors import InputError
from gitops_ml.github.options import add_report_argument, wants_check_run
from gitops_ml.report import render
from gitops_ml.spec.immutability import check_immutable
from gitops_ml.spec.repo import RepoSpec
from gitops_ml.spec.source import is_yaml
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
    wanted = [_wanted(root, path) for path in args.paths]
    spec = load_folder(root, [path for path in wanted if is_yaml(path)])
    if not spec.files and not spec.findings:
        _nothing_to_check(spec, root)
    if args.base is not None:
        if not args.base.strip():
            raise InputError(
                "--base is empty", hint="pass a revision such as origin/main"
            )
        base = load_revision(root, args.base, strict=False)
        spec.findings.extend(check_immutable(base, spec))
    findings = [
        f
        for f in spec.findings.sorted()
        if not wanted or any(_under(f.location.file, w) for w in wanted)
    ]
    files = [f for f in spec.files if not wanted or any(_under(f, w) for w in wanted)]
    _each_path_checked(spec, wanted, files + [f.location.file for f in findings])
    result = ValidationResult(files=files, findings=findings)
    render.validation(result, args.format)
    if wants_check_run(args):
        from gitops_ml.github.publishing import publish_report, validation_report
        from gitops_ml.report.published import published

        report = validation_report(result, render.validation_markdown(result))
        published(publish_report(root, report), report, args.format)
    return 0 if result.ok else 1


def _each_path_checked(spec: RepoSpec, wanted: list[str], seen: list[str]) -> None:
    for path in wanted:
        if not any(_under(file, path) for file in seen):
            raise InputError(
                f"{path} holds no spec files",
                hint=f"pass a file or folder under {spec.settings.models_dir}/ or "
                f"{spec.settings.environments_dir}/",
            )


def _nothing_to_check(spec: RepoSpec, root: Path) -> None:
    models, environments = spec.settings.models_dir, spec.settings.environments_dir
    if not (spec.source.exists(models) or spec.source.exists(environments)):
        raise InputError(
            f"no {models}/ or {environments}/ found under {root} "
            "(is this a GitOps repo?)",
            hint="run it in the GitOps repo or pass --repo DIR",
        )
    raise InputError(
        f"no spec files in {models}/ or {environments}/ under {root}",
        hint=f"add {models}/NAME.yaml or {environments}/NAME.yaml",
    )


def _wanted(root: Path, path: str) -> str:
    """``path`` relative to the repo root; an error when it cannot be checked."""
    if not os.path.lexists(path):
        raise InputError(f"{path} does not exist", hint="check the path")
    relative = _relative(root, path)
    if relative is None:
        raise InputError(
            f"{path} is outside the repository", hint=f"pass a path under {root}"
        )
    if os.path.isfile(path) and not is_yaml(relative):
        raise InputError(
            f"{path} is not a spec file (.yaml or .yml)",
            hint="pass a file from models/ or environments/, or a folder",
        )
    return relative


def _relative(root: Path, path: str) -> str | None:
    for absolute in (Path(os.path.abspath(path)), Path(path).resolve()):
        try:
            return absolute.relative_to(root).as_posix()
        except ValueError:
            continue
    return None


def _under(file: str, wanted: str) -> bool:
    wanted = wanted.rstrip("/")
    return wanted in ("", ".") or file == wanted or file.startswith(wanted + "/")
