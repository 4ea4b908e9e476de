"""Check documents against the published JSON Schemas, reporting exact lines."""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from gitops_ml.spec.findings import Findings, clip
from gitops_ml.spec.loader import Document

KIND_SCHEMAS = {"Model": "model", "Environment": "environment", "Config": "config"}


@cache
def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("gitops_ml.schemas").joinpath(f"{name}.schema.json")
    schema: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return schema


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name))


@cache
def fast_check(name: str) -> Callable[[Any], Any]:
    """A compiled validator: much faster, used only to say "valid" quickly.

    The schemas use only keywords whose meaning is the same in draft 7, which
    fastjsonschema compiles; errors always come from jsonschema's 2020-12 validator.
    """
    check: Callable[[Any], Any] = fastjsonschema.compile(load_schema(name))
    return check


def is_valid(data: Any, schema_name: str) -> bool:
    try:
        fast_check(schema_name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def check_schema(document: Document, schema_name: str, findings: Findings) -> bool:
    """Add one finding per schema violation; return True when the document is valid."""
    if is_valid(document.data, schema_name):
        return True
    checker = validator(schema_name)
    for error in _leaf_errors(checker.iter_errors(document.data)):
        if error.validator is None:  # a `false` schema: a field of another type
            _report_forbidden(document, checker.schema, error, findings)
        else:
            _report(document, error, findings)
    return False


def _report_forbidden(
    document: Document, schema: Any, error: ValidationError, findings: Findings
) -> None:
    """Name the field a ``false`` schema forbids.

    jsonschema leaves the property name out of both paths of such an error, so it is
    found again: the keys of the parent whose subschema is ``false``.
    """
    properties = schema
    for part in error.schema_path:
        properties = properties[part]
    parent = document.data
    for part in error.absolute_path:
        parent = parent[part]
    keys = [k for k, sub in properties.items() if sub is False and k in parent]
    for key in keys or [""]:
        path = (*error.absolute_path, key) if key else tuple(error.absolute_path)
        findings.add(
            document.location(path),
            "schema",
            f"'{key or _pointer(path)}' does not belong to this target type",
            "remove it or change spec.target.type",
        )


def _leaf_errors(errors: Any) -> list[ValidationError]:
    """Replace anyOf/oneOf wrappers by the errors of the closest branch."""
    result: list[ValidationError] = []
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            best = min(
                error.context, key=lambda e: (-len(e.absolute_path), e.validator)
            )
            if len(best.absolute_path) > len(error.absolute_path):
                result.extend(_leaf_errors([best]))
                continue
        result.append(error)
    return result


def _report(document: Document, error: ValidationError, findings: Findings) -> None:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        _report_unknown(document, error, findings)
        return
    message, hint = _message(document, error)
    findings.add(document.location(path), "schema", message, hint)


def _report_unknown(
    document: Document, error: ValidationError, findings: Findings
) -> None:
    allowed = sorted(error.schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    for key in instance:
        if key in allowed:
            continue
        path = (*error.absolute_path, key)
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = (
            f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        )
        findings.add(
            document.location(path),
            "unknown-field",
            f"unknown field '{clip(key)}'; {hint}",
            f"rename it to {close[0]}" if close else "remove it",
        )


TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}
TYPE_HINTS = {
    "array": "list its items under it, each on a line starting with '- '",
    "object": "write its fields under it, indented",
}


def _message(document: Document, error: ValidationError) -> tuple[str, str]:
    """A plain sentence and the next step for one schema violation."""
    path = tuple(error.absolute_path)
    field = _pointer(path) or "the document"
    scalar = document.scalars.get(path)
    plain = scalar is not None and not scalar.quoted
    if error.validator == "type":
        return _type_message(field, error, scalar.text if plain and scalar else None)
    if error.validator == "required":
        return _required_message(field, error)
    if error.validator == "const":
        return (
            f"{field} must be '{error.validator_value}', not "
            f"{clip(repr(error.instance))}",
            f"write {path[-1] if path else field}: {error.validator_value}",
        )
    if error.validator == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        return (
            f"{field} is {clip(repr(error.instance))}, not one of {choices}",
            "pick one of them",
        )
    if error.validator in ("minItems", "minLength") and not error.instance:
        what = "list" if error.validator == "minItems" else "text"
        return f"{field} is an empty {what}", "add at least one item" if (
            what == "list"
        ) else "write a value"
    if error.validator in (
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
    ):
        bound = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }[str(error.validator)]
        return (
            f"{field} must be {bound} {error.validator_value}, not "
            f"{clip(repr(error.instance))}",
            "change the value",
        )
    if error.validator == "pattern":
        return (
            f"{field}: {clip(repr(error.instance))} does not have the expected form",
            f"it must match {error.validator_value}",
        )
    return f"{field}: {clip(error.message)}", ""


def _type_message(
    field: str, error: ValidationError, plain_text: str | None
) -> tuple[str, str]:
    wanted = error.validator_value
    names = wanted if isinstance(wanted, list) else [wanted]
    words = " or ".join(TYPE_WORDS.get(str(name), str(name)) for name in names)
    if error.instance is None and (plain_text in ("", None) or "string" in names):
        if "string" in names:
            return f"{field} has no value", "write one"
        return f"{field} must be {words}, not null", TYPE_HINTS.get(str(names[0]), "")
    if "string" in names and plain_text is not None:
        return (
            f"{field}: {clip(plain_text)} is read as {_read_as(error.instance)}",
            f'quote it ("{clip(plain_text)}") to keep it a string',
        )
    if names[0] in ("number", "integer") and plain_text and _float_text(plain_text):
        return (
            f"{field}: {clip(plain_text)} is read as text (YAML 1.1 needs a dot and "
            f"a signed exponent in a number with an exponent)",
            f"write it like {clip(_dotted(plain_text))}",
        )
    return (
        f"{field} must be {words}, not {_read_as(error.instance)}",
        TYPE_HINTS.get(str(names[0]), f"write {words}"),
    )


def _required_message(field: str, error: ValidationError) -> tuple[str, str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    missing = [key for key in error.validator_value if key not in instance]
    name = missing[0] if missing else str(error.message).split("'")[1]
    typo = difflib.get_close_matches(name, [str(key) for key in instance], n=1)
    if typo:
        return (
            f"{field} is missing '{name}' ('{clip(typo[0])}' looks like a "
            "misspelling of it)",
            f"rename {clip(typo[0])} to {name}",
        )
    return f"{field} is missing '{name}'", f"add {name}: VALUE"


def _float_text(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _dotted(text: str) -> str:
    """The spelling YAML 1.1 reads as a float: a dot and a signed exponent."""
    mantissa, _, exponent = text.lower().partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if exponent and exponent[0] not in "+-":
        exponent = "+" + exponent
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _read_as(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {clip(repr(value))}"
    if value is None:
        return "null"
    return {"str": "text", "list": "a list", "dict": "a mapping"}.get(
        type(value).__name__, type(value).__name__
    )


def _pointer(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
