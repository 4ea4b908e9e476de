"""Renderers of a validation result: injection-safe annotations, colour rules."""

from __future__ import annotations

import io
import json

import pytest

from gitops_ml.errors import Location
from gitops_ml.report import render
from gitops_ml.spec.findings import Finding
from gitops_ml.validation import ValidationResult

HOSTILE = "bad value '::error::pwned' 100% wrong\n::set-env name=X::y\r%0A"


def _result(
    message: str = HOSTILE, file: str = "environments/a,b:c.yaml"
) -> ValidationResult:
    finding = Finding(Location(file, 7, 3), "schema", message, hint="fix it")
    return ValidationResult(files=[file], findings=[finding])


def test_annotation_escapes_content_so_it_cannot_start_a_command() -> None:
    line = render.validation_annotation(_result().findings[0])
    assert "\n" not in line and "\r" not in line
    assert line.startswith("::error file=environments/a%2Cb%3Ac.yaml,line=7,col=3,")
    data = line.split("::", 2)[2]
    assert "%0A::set-env" in data and "100%25" in data and "%250A" in data
    assert line.count("\n") == 0


def test_github_output_has_one_line_per_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.StringIO()
    render.validation(_result(), "github", out)
    commands = [line for line in out.getvalue().splitlines() if line.startswith("::")]
    assert len(commands) == 1


def test_text_groups_by_file_and_prints_content_literally() -> None:
    out = io.StringIO()
    render.validation(
        _result("value [bold]x[/bold]", "environments/[x].yaml"), "text", out
    )
    text = out.getvalue()
    assert text.splitlines()[0] == "environments/[x].yaml"
    assert "environments/[x].yaml:7:3: value [bold]x[/bold]" in text
    assert text.splitlines()[-1] == "1 problem(s) in 1 file"
    assert "\x1b[" not in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("no_color", [False, True])
def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    out = _Terminal()
    render.validation(_result("plain"), "text", out)
    coloured = "\x1b[31m" in out.getvalue() or "\x1b[91m" in out.getvalue()
    assert coloured is not no_color


def test_json_output_round_trips_the_finding() -> None:
    out = io.StringIO()
    render.validation(_result(), "json", out)
    payload = json.loads(out.getvalue())
    assert payload["findings"][0]["message"] == HOSTILE
    assert payload["findings"][0]["line"] == 7
