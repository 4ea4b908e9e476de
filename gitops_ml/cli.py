"""Command-line parsing and the one error boundary; commands live in ``commands/``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Sequence
from importlib import import_module
from typing import NoReturn

from gitops_ml import __version__
from gitops_ml.errors import GitopsError

# command name -> module under gitops_ml.commands; each has add_arguments and run
COMMANDS: dict[str, str] = {
    "validate": "validate",
    "plan": "plan",
    "apply": "apply",
    "drift": "drift",
    "status": "status",
    "promote": "promote",
    "rollback": "rollback",
    "hold": "hold",
    "history": "history",
    "import": "importer",
}

EXIT_OK, EXIT_FAILED, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 3, 130

log = logging.getLogger("gitops_ml")


class _Parser(argparse.ArgumentParser):
    """Usage mistakes exit 1 like every other input error (2 means "changes")."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILED, f"{self.prog}: error: {message}\n")


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser; given the command about to run, only that command's module is
    imported (the others are listed by name), so no command pays for another's
    dependencies (PyGithub, a cloud SDK)."""
    parser = _Parser(
        prog="gitops-ml",
        description="Deploy model versions the GitOps way: Git says what runs where.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        if chosen in COMMANDS and name != chosen:
            commands.add_parser(name)
            continue
        module = _command(module_name)
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        _add_common(sub)
        module.add_arguments(sub)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output for people, scripts or GitHub workflows (default: text)",
    )
    parser.add_argument(
        "--repo",
        default=".",
        metavar="DIR",
        help="the GitOps repo (default: the current folder)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log progress to stderr"
    )


def _command(module_name: str):  # type: ignore[no-untyped-def]
    return import_module(f"gitops_ml.commands.{module_name}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    args = build_parser(chosen).parse_args(argv)
    _setup_logging(args.verbose)
    try:
        code: int = _command(COMMANDS[args.command]).run(args)
        return code
    except GitopsError as exc:
        _print_error(exc, args.format)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (| head): nothing left to say
        _silence_stdout()
        return EXIT_FAILED
    except Exception:
        _crash_report(args.command)
        return EXIT_BUG


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _setup_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * min(verbosity, 2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)


def _print_error(exc: GitopsError, output_format: str) -> None:
    from gitops_ml.report import github

    if output_format == "github":
        print(github.error_command(exc), flush=True)
    if output_format == "json":
        _print_json_error(exc)
    print(f"error: {_one_line(str(exc))}", file=sys.stderr)
    if exc.hint:
        print(f"  next: {_one_line(exc.hint)}", file=sys.stderr)


def _print_json_error(exc: GitopsError) -> None:
    """Scripts reading --format json get an object for input errors too."""
    location = exc.location
    error = {
        "message": exc.message,
        "hint": exc.hint,
        "file": location.file if location else None,
        "line": location.line if location else None,
        "column": location.column if location else None,
    }
    print(json.dumps({"ok": False, "error": error}, indent=2), flush=True)


def _one_line(text: str) -> str:
    from gitops_ml.report import github

    return github.escape_controls(text.replace("\r", "\\r").replace("\n", "\\n"))


def _crash_report(command: str) -> None:
    details = traceback.format_exc()
    handle, path = tempfile.mkstemp(prefix="gitops-ml-crash-", suffix=".txt")
    with os.fdopen(handle, "w") as crash:
        crash.write(f"gitops-ml {__version__} on Python {platform.python_version()} ")
        crash.write(f"({platform.platform()})\ncommand: {command}\n\n{details}")
    last = details.strip().splitlines()[-1]
    print(f"error: internal error in gitops-ml ({last})", file=sys.stderr)
    print(
        f"  a crash report is in {path}; please attach it to an issue", file=sys.stderr
    )


def run() -> None:
    sys.exit(main())
