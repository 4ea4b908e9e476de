"""Strict YAML loading with a line and column for every node.

PyYAML's constructors drop positions, keep the last of two duplicate keys and read
``1.10`` as a float.  Here the C composer builds the node graph, and our own walk turns
nodes into plain values while recording where each value came from and how it was
written, so later checks can point at the exact line and quote the original text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from gitops_ml.errors import Location
from gitops_ml.spec.findings import Findings, clip

try:  # the C composer is much faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000  # bounds alias expansion: an alias bomb stops here
MAX_DEPTH = 200

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
MERGE_TAG = _TAG + "merge"
_COLLECTIONS = {_TAG + "map", _TAG + "seq"}


class LoadError(Exception):
    """Raised inside the walk; turned into a finding by ``load_document``."""

    def __init__(
        self, message: str, line: int, column: int, rule: str, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.rule = message, line, column, rule
        self.hint = hint


@dataclass(frozen=True)
class Scalar:
    """How a scalar was written: its YAML tag, source text and whether it was quoted."""

    tag: str
    text: str
    quoted: bool


@dataclass
class Document:
    """One YAML document as plain data, with the source position of every value."""

    path: str
    data: Any
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    scalars: dict[Path, Scalar] = field(default_factory=dict)
    problems: list[LoadError] = field(default_factory=list)

    def location(self, path: Path) -> Location:
        """The position of the value at ``path``, or of its nearest parent."""
        probe = tuple(path)
        while probe and probe not in self.marks:
            probe = probe[:-1]
        line, column = self.marks.get(probe, (1, 1))
        return Location(self.path, line, column)


def load_document(path: str, raw: bytes, findings: Findings) -> Document | None:
    """Parse one file holding exactly one mapping; report problems to ``findings``."""
    try:
        document = _load(path, raw)
    except LoadError as exc:
        _add(findings, path, exc)
        return None
    for problem in document.problems:
        _add(findings, path, problem)
    return document


def _add(findings: Findings, path: str, error: LoadError) -> None:
    findings.add(
        Location(path, error.line, error.column), error.rule, error.message, error.hint
    )


def _load(path: str, raw: bytes) -> Document:
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(
            f"file is {len(raw)} bytes, over the {MAX_FILE_BYTES} byte limit",
            1,
            1,
            "file-too-large",
            "split it or remove what is not needed",
        )
    text = _decode(raw)
    nodes = _compose_all(text)
    if not nodes:
        raise LoadError(
            "file is empty; it must hold one YAML mapping",
            1,
            1,
            "empty",
            "write the document (apiVersion, kind, metadata, spec) or delete the file",
        )
    if len(nodes) > 1:
        line = _separator_line(text, nodes[1].start_mark.line)
        raise LoadError(
            "file holds several YAML documents; keep one per file",
            line,
            1,
            "multiple-documents",
        )
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        raise LoadError(
            "the document must be a mapping (apiVersion, kind, metadata, spec)",
            root.start_mark.line + 1,
            root.start_mark.column + 1,
            "not-a-mapping",
        )
    if "*" in text:  # without an alias the walk below is bounded by the text
        _check_size(root)
    document = Document(path, None)
    document.data = _Walker(document).value(root, ())
    return document


def _separator_line(text: str, line: int) -> int:
    """The 1-based line of the ``---`` that starts the document at ``line``."""
    lines = text.splitlines()
    for index in range(min(line, len(lines) - 1), -1, -1):
        if lines[index].startswith("---"):
            return index + 1
    return line + 1


def _check_size(root: yaml.Node) -> None:
    """Fail fast when aliases would expand past ``MAX_NODES`` (an alias bomb).

    Each node's expanded size is computed once, so the check costs the size of the
    text, not of the expansion.  An alias inside its own anchor is a loop.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _node_error(
                node, "this anchor holds an alias to itself (a loop)", "alias-loop"
            )
        if depth > MAX_DEPTH:
            raise _node_error(node, "YAML nesting is too deep", "too-deep")
        total = 1
        if isinstance(node, yaml.CollectionNode):
            open_nodes.add(key)
            children = node.value
            if isinstance(node, yaml.MappingNode):
                children = [part for pair in node.value for part in pair]
            total += sum(size(child, depth + 1) for child in children)
            open_nodes.discard(key)
        sizes[key] = total
        if total > MAX_NODES:
            raise _node_error(
                node,
                f"aliases expand to over {MAX_NODES} values (an alias bomb); "
                "remove the nested aliases",
                "alias-bomb",
            )
        return total

    size(root, 0)


def _node_error(node: yaml.Node, message: str, rule: str) -> LoadError:
    mark = node.start_mark
    return LoadError(message, mark.line + 1, mark.column + 1, rule)


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode(raw: bytes) -> str:
    if raw.startswith(UTF16_BOMS):
        raise LoadError(
            "file is UTF-16 text (it starts with a UTF-16 byte order mark)",
            1,
            1,
            "not-utf8",
            "save the file as UTF-8",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        raise LoadError(
            f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start})",
            raw[: exc.start].count(b"\n") + 1,
            exc.start - line_start + 1,
            "not-utf8",
            "save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def _compose_all(text: str) -> list[yaml.Node]:
    try:
        nodes = yaml.compose_all(text, Loader=_Loader)
        return [node for node in nodes if node is not None and not _blank(node)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if mark and _tab_at(text, mark.line, mark.column):
            problem = "a tab character is used for indentation; indent with spaces"
            return _raise(problem, line, column, "tab")
        return _raise(_syntax(problem), line, column, "yaml-syntax", SYNTAX_HINT)
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        return _raise(
            f"invalid YAML: character {_char(exc.character)} is not allowed "
            f"({exc.reason})",
            line,
            column,
            "yaml-syntax",
        )
    except yaml.YAMLError as exc:
        return _raise(f"invalid YAML: {exc}", 1, 1, "yaml-syntax")
    except RecursionError:
        return _raise("YAML nesting is too deep", 1, 1, "too-deep")


SYNTAX_HINT = "check the indentation of this line and the one above"
_PLAIN_SYNTAX = {
    "did not find expected key": "this line does not line up with the keys around it",
    "could not find expected ':'": "a key here has no ':' after it",
    "mapping values are not allowed here": "a ': ' here starts a mapping where "
    "none can start (quote a value that holds ': ')",
    "did not find expected '-' indicator": "this line does not line up with the "
    "list items above it",
    "found unexpected end of stream": "the file ends inside an open quote or bracket",
}


def _syntax(problem: str) -> str:
    """libyaml's wording as a plain sentence (the original kept in brackets)."""
    plain = _PLAIN_SYNTAX.get(problem)
    return f"invalid YAML: {plain} ({problem})" if plain else f"invalid YAML: {problem}"


def _blank(node: yaml.Node) -> bool:
    """A document with no content at all (a lone ``---``)."""
    return (
        isinstance(node, yaml.ScalarNode)
        and node.tag == _TAG + "null"
        and node.value == ""
        and not node.style
    )


def _char(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or " ")
    return f"U+{code:04X}"


def _line_column(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _tab_at(text: str, line: int, column: int) -> bool:
    lines = text.splitlines()
    return line < len(lines) and "\t" in lines[line][: column + 1]


def _raise(
    message: str, line: int, column: int, rule: str, hint: str = ""
) -> list[yaml.Node]:
    raise LoadError(message, line, column, rule, hint)


class _Walker:
    """Turns a composed node graph into plain values, recording marks on the way."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.count = 0

    def value(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._error(node, "too many nodes (an alias bomb?)", "alias-bomb")
        if len(path) > MAX_DEPTH:
            raise self._error(node, "YAML nesting is too deep", "too-deep")
        mark = node.start_mark
        self.document.marks.setdefault(path, (mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTIONS:
            raise self._error(node, f"unsupported YAML tag {node.tag}", "tag")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges = [(key, value) for key, value in node.value if key.tag == MERGE_TAG]
        if len(merges) > 1:
            raise self._error(
                merges[1][0],
                "duplicate merge key '<<'; list the anchors in one: <<: [*a, *b]",
                "duplicate-key",
            )
        for _key, value_node in merges:
            self.merge(value_node, path, result)
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.key(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise self._error(
                    key_node,
                    f"duplicate key '{key}' (first on line {seen[key]}); "
                    "remove one of them",
                    "duplicate-key",
                )
            seen[key] = line
            child = (*path, key)
            self.document.marks[child] = (line, key_node.start_mark.column + 1)
            result[key] = self.value(value_node, child)
        return result

    def merge(self, node: yaml.Node, path: Path, into: dict[str, Any]) -> None:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise self._error(source, "a merge key '<<' needs a mapping", "merge")
            for key, value in self.mapping(source, path).items():
                into.setdefault(key, value)

    def key(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self._error(node, "mapping keys must be plain strings", "key-type")
        if node.tag != _TAG + "str" and not node.style:
            raise self._error(
                node,
                f"key '{clip(str(node.value))}' is read as {_kind(node.tag)}; quote it",
                "key-type",
            )
        return str(node.value)

    def scalar(self, node: yaml.Node, path: Path) -> Any:
        text = str(node.value)
        quoted = bool(getattr(node, "style", None))
        self.document.scalars[path] = Scalar(node.tag, text, quoted)
        tag = node.tag.removeprefix(_TAG)
        if quoted or tag == "str":
            return text
        constructor = _CONSTRUCTORS.get(tag)
        if constructor is None:
            raise self._error(node, f"unsupported YAML tag {node.tag}", "tag")
        if tag == "timestamp" and parse_timestamp(text) is None:
            self._problem(
                node,
                f"timestamp {clip(text)} has no time zone; write it like "
                "2026-01-31T09:00:00Z (or quote it if it is not a time)",
                "timestamp",
            )
        if tag == "int" and (decimal := _leading_zero(text)) is not None:
            self._problem(
                node,
                f"{clip(text)} has a leading zero; write {clip(decimal)} (YAML 1.1 "
                "reads a leading zero as an octal number)",
                "leading-zero",
            )
            return int(decimal)
        try:
            value = constructor(text)
        except ValueError:
            raise self._error(
                node,
                f"cannot read '{clip(text)}' as {_kind(node.tag)}; quote it",
                "tag",
            ) from None
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(
                node,
                f"{clip(text)} is not a finite number; write a number",
                "not-finite",
            )
        return value

    def _problem(self, node: yaml.Node, message: str, rule: str) -> None:
        """A problem that does not stop reading the rest of the document."""
        self.document.problems.append(self._error(node, message, rule))

    def _error(self, node: yaml.Node, message: str, rule: str) -> LoadError:
        return _node_error(node, message, rule)


def _kind(tag: str) -> str:
    return {
        "float": "a number",
        "int": "a number",
        "bool": "a boolean",
        "null": "null",
        "timestamp": "a timestamp",
    }.get(tag.removeprefix(_TAG), tag)


def _leading_zero(text: str) -> str | None:
    """The decimal spelling of a plain integer written with a leading zero."""
    cleaned = text.replace("_", "")
    sign = "-" if cleaned.startswith("-") else ""
    digits = cleaned.lstrip("+-")
    if len(digits) > 1 and digits.startswith("0") and digits.isdigit():
        return sign + (digits.lstrip("0") or "0")
    return None


def _bool(text: str) -> bool:
    return text.lower() in {"yes", "true", "on", "y"}


def _int(text: str) -> int:
    cleaned = text.replace("_", "")
    if cleaned.lower().startswith(("0x", "-0x", "+0x")):
        return int(cleaned, 16)
    if cleaned.lower().startswith(("0o", "-0o", "+0o")):
        return int(cleaned, 8)
    if cleaned.lower().startswith(("0b", "-0b", "+0b")):
        return int(cleaned, 2)
    if ":" in cleaned:  # sexagesimal 1:30
        raise ValueError(text)
    return int(cleaned, 10)


def _float(text: str) -> float:
    lowered = text.lower().replace("_", "")
    if lowered in {".nan"}:
        return float("nan")
    if lowered in {".inf", "+.inf"}:
        return float("inf")
    if lowered == "-.inf":
        return float("-inf")
    return float(lowered)


def _timestamp(text: str) -> str:
    """Timestamps stay strings in ISO form; the time-zone rule is checked later."""
    return text


_CONSTRUCTORS: dict[str, Any] = {
    "null": lambda _text: None,
    "bool": _bool,
    "int": _int,
    "float": _float,
    "timestamp": _timestamp,
    "binary": lambda text: text,
}


# YAML 1.1's timestamp form: lower-case t or spaces, fractions, one-digit hour offsets
_YAML_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d\d?)-(\d\d?)(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)"
    r"(?:\.(\d*))?[ \t]*(Z|[-+]\d\d?(?::\d\d)?)?$"
)


def parse_timestamp(text: str) -> dt.datetime | None:
    """An aware datetime from ISO 8601 or YAML 1.1 timestamp text, or None when it
    has no time zone (or is not a timestamp)."""
    match = _YAML_TIMESTAMP.match(text.strip())
    if match is None:
        try:
            value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        except ValueError:
            return None
        return value if value.tzinfo is not None else None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone is None:
        return None
    try:
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=_zone(zone),
        )
    except ValueError:
        return None


def _zone(text: str) -> dt.tzinfo:
    if text == "Z":
        return dt.UTC
    hours, _, minutes = text[1:].partition(":")
    offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
    return dt.timezone(-offset if text[0] == "-" else offset)
