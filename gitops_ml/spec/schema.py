"""Check documents against the published JSON Schemas, reporting exact lines."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from gitops_ml.spec.findings import Findings
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
    findings.add(document.location(path), "schema", _message(document, error))


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
            document.location(path), "unknown-field", f"unknown field '{key}'; {hint}"
        )


def _message(document: Document, error: ValidationError) -> str:
    path = tuple(error.absolute_path)
    field = _pointer(path)
    if error.validator == "type" and error.validator_value == "string":
        scalar = document.scalars.get(path)
        if scalar is not None and not scalar.quoted:
            return (
                f"{field}: {scalar.text} is read as {_read_as(error.instance)}; "
                f'quote it ("{scalar.text}") to keep it a string'
            )
    if error.validator == "type" and error.validator_value in ("number", "integer"):
        scalar = document.scalars.get(path)
        if scalar is not None and not scalar.quoted and _float_text(scalar.text):
            return (
                f"{field}: {scalar.text} is read as text (YAML 1.1 needs a dot in a "
                f"number with an exponent); write it like {_dotted(scalar.text)}"
            )
    if error.validator == "required":
        return f"{field or 'document'}: {error.message}"
    if error.validator == "const":
        return f"{field}: must be '{error.validator_value}', not {error.instance!r}"
    return f"{field}: {error.message}" if field else error.message


def _float_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _dotted(text: str) -> str:
    mantissa, _, exponent = text.lower().partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _read_as(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, int):
        return f"the number {value}"
    if value is None:
        return "null"
    return type(value).__name__


def _pointer(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
