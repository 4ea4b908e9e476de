"""The terminal: colour only on a terminal, NO_COLOR honoured."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console


def console(stream: TextIO | None = None) -> Console:
    stream = stream or sys.stdout
    return Console(file=stream, highlight=False, soft_wrap=True, emoji=False)
