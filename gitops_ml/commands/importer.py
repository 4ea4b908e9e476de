"""gitops-ml import azureml FILE...: Azure ML CLI v2 files to an Environment."""

from __future__ import annotations

import argparse
from pathlib import Path

from gitops_ml.errors import InputError
from gitops_ml.report import importing
from gitops_ml.targets.azureml.importer import (
    Unreadable,
    check_arguments,
    import_files,
)

HELP = "turn Azure ML CLI v2 endpoint and deployment files into an environment"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=("azureml",), help="what the files are")
    parser.add_argument("files", nargs="+", metavar="FILE", help="CLI v2 YAML files")
    parser.add_argument(
        "--env", default="imported", metavar="NAME", help="the environment's name"
    )
    parser.add_argument("--subscription", metavar="ID", help="Azure subscription id")
    parser.add_argument("--resource-group", metavar="NAME", help="resource group")
    parser.add_argument("--workspace", metavar="NAME", help="Azure ML workspace")
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the environment document here (default: stdout)",
    )


def run(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    check_arguments(args.env, workspace)
    files = [(name, _read(name)) for name in args.files]
    result = import_files(files, args.env, workspace)
    importing.render(result, args.format, args.output)
    return 1 if result.rejected or result.document is None else 0


def _read(name: str) -> bytes | Unreadable:
    """The file's bytes, or why it cannot be read (a verdict, not a stop)."""
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        return Unreadable(f"{exc.strerror or exc}; check the file name")


def _workspace(args: argparse.Namespace) -> dict[str, str] | None:
    given = (args.subscription, args.resource_group, args.workspace)
    if not any(given):
        return None
    if not all(given):
        raise InputError(
            "--subscription, --resource-group and --workspace go together",
            hint="pass all three, or none to get placeholders",
        )
    return {
        "subscriptionId": args.subscription,
        "resourceGroup": args.resource_group,
        "workspace": args.workspace,
    }
