"""The --report option, kept apart from the GitHub client so that parsing it costs
no PyGithub import."""

from __future__ import annotations

import argparse


def add_report_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report",
        choices=("none", "check-run"),
        default="none",
        help="also publish the result on GitHub as a check run (a commit status or "
        "the job summary when the token may not create check runs)",
    )


def wants_check_run(args: argparse.Namespace) -> bool:
    return getattr(args, "report", "none") == "check-run"
