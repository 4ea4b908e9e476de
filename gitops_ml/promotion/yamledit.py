"""Change a pinned version in an environment file, touching only that line.

The strict loader knows the line of every value; the edit replaces the version scalar
on that line and keeps its quoting and any anchor (``version: &v "1.9"``), so comments,
key order, anchors and formatting stay exactly as they were and the diff shows only the
changed lines. A pin written as an alias (``version: *v``) follows its anchor. The
result is read back: when an anchor shares the version with anything but the pins of
this model, the edit is refused rather than changing that too.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from gitops_ml.errors import InputError
from gitops_ml.spec.documents import Environment
from gitops_ml.spec.findings import Findings
from gitops_ml.spec.loader import load_document

_VERSION = re.compile(
    r"""(?P<key>\bversion\s*:\s*)(?P<anchor>&[^\s,\[\]{}]+\s+)?"""
    r"""(?P<q>["']?)(?P<value>[^"',}\s#]+)(?P=q)"""
)
_ALIAS = re.compile(r"\bversion\s*:\s*\*[^\s,\[\]{}]+")
_PLAIN = 'write the pin as `version: "X"`'


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
    done: set[tuple[int, int]] = set()  # a merge key shares its anchor's line
    for old, path in pins:
        where = env.location((*path, "version"))
        index = where.line - 1
        if (index, where.column) in done or _ALIAS.search(
            lines[index][where.column - 1 :]
        ):
            continue  # an alias follows its anchor; checked when read back
        lines[index] = _replace(lines[index], old, version, where.column, env)
        done.add((index, where.column))
    result = "".join(lines)
    _check(result, env, model, version)
    return result


def _replace(line: str, old: str, new: str, column: int, env: Environment) -> str:
    for match in _VERSION.finditer(line):
        if match.end() >= column and match.group("value") == old:
            quote = match.group("q") or '"'
            anchor = match.group("anchor") or ""
            start, end = match.span()
            return (
                f"{line[:start]}{match.group('key')}{anchor}{quote}{new}{quote}"
                f"{line[end:]}"
            )
    raise InputError(
        f'{env.document.path}: cannot find version "{old}" to change on this line: '
        f"{line.strip()}",
        hint=f"{_PLAIN} (a plain or quoted scalar, optionally with an anchor) on "
        "the pin's own line or in a flow mapping",
    )


def _check(result: str, env: Environment, model: str, version: str) -> None:
    """The edited file must differ from the original in this model's pins only."""
    expected: Any = copy.deepcopy(env.document.data)
    for pinned, _, path in env.pins():
        if pinned == model:
            _at(expected, path)["version"] = version
    document = load_document(env.document.path, result.encode("utf-8"), Findings())
    if document is not None and document.data == expected:
        return
    raise InputError(
        f"{env.document.path}: the version of {model} is shared through a YAML "
        "anchor with values that are not pins of it, so changing it would change "
        "them too",
        location=env.location(("spec",)),
        hint=f"{_PLAIN} for each pin of {model}, without an alias to or from "
        "other values",
    )


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        data = data[key]
    return data
