"""Change a pinned version in an environment file, touching only that line.

The strict loader knows the line of every value; the edit replaces the version scalar
on that line and keeps its quoting, so comments, key order, anchors and formatting stay
exactly as they were and the diff shows only the changed lines.
"""

from __future__ import annotations

import re

from gitops_ml.errors import InputError
from gitops_ml.spec.documents import Environment

_VERSION = re.compile(
    r"""(?P<key>\bversion\s*:\s*)(?P<q>["']?)(?P<value>[^"',}\s#]+)(?P=q)"""
)


def set_version(text: str, env: Environment, model: str, version: str) -> str:
    """The environment file ``text`` with every pin of ``model`` set to ``version``."""
    lines = text.splitlines(keepends=True)
    pins = [(v, path) for m, v, path in env.pins() if m == model]
    if not pins:
        raise InputError(
            f"environment '{env.name}' pins no version of model '{model}'",
            location=env.location(("spec",)),
            hint=f"add a deployment of {model} to {env.document.path} first",
        )
    for old, path in pins:
        where = env.location((*path, "version"))
        index = where.line - 1
        lines[index] = _replace(lines[index], old, version, where.column, env)
    return "".join(lines)


def _replace(line: str, old: str, new: str, column: int, env: Environment) -> str:
    for match in _VERSION.finditer(line):
        if match.end() >= column and match.group("value") == old:
            quote = match.group("q") or '"'
            start, end = match.span()
            return f"{line[:start]}{match.group('key')}{quote}{new}{quote}{line[end:]}"
    raise InputError(
        f'{env.document.path}: cannot find version "{old}" to change on this line: '
        f"{line.strip()}",
        hint='write the pin as `version: "X"` on its own line or in a flow mapping',
    )
