"""Say where a report was published; when it is not a check run, show it here."""

from __future__ import annotations

import sys

from gitops_ml.errors import Location
from gitops_ml.github.checks import CHECK_RUN, CheckReport, Published
from gitops_ml.report import github


def published(result: Published, report: CheckReport, output_format: str) -> None:
    if result.channel == CHECK_RUN:
        print(f"published check run '{report.name}': {result.url}", file=sys.stderr)
        return
    print(f"note: {result.note}", file=sys.stderr)
    github.append_summary(report.summary)
    if output_format == "github":
        return  # the command already wrote its workflow annotations
    for item in report.annotations:
        level = "error" if item.level == "failure" else item.level
        where = Location(item.path, item.line)
        print(github.annotation(level, item.message, where, title=item.title))
