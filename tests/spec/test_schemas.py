"""The published JSON Schemas: well-formed, identified and documented everywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

SCHEMAS = sorted(
    item.name
    for item in resources.files("gitops_ml.schemas").iterdir()
    if item.name.endswith(".schema.json")
)
# keywords whose value is a schema, or a list / map of schemas
ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains")
MANY = ("anyOf", "oneOf", "allOf", "prefixItems")
MAP = ("properties", "patternProperties", "$defs")


def _load(name: str) -> dict[str, Any]:
    text = resources.files("gitops_ml.schemas").joinpath(name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _properties(schema: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every (pointer, subschema) that defines a named property, anywhere."""
    if not isinstance(schema, dict):
        return
    for name, sub in (schema.get("properties") or {}).items():
        yield f"{where}/properties/{name}", sub
    for key in ONE:
        if key in schema:
            yield from _properties(schema[key], f"{where}/{key}")
    for key in MANY:
        for index, sub in enumerate(schema.get(key) or []):
            yield from _properties(sub, f"{where}/{key}/{index}")
    for key in MAP:
        for name, sub in (schema.get(key) or {}).items():
            yield from _properties(sub, f"{where}/{key}/{name}")


def test_schemas_are_found() -> None:
    assert {"model.schema.json", "environment.schema.json"} <= set(SCHEMAS)
    assert "validate-result.schema.json" in SCHEMAS


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_valid_draft_2020_12_with_an_id(name: str) -> None:
    schema = _load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/" + name)
    assert schema.get("description")


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_property_has_a_description(name: str) -> None:
    missing = [
        pointer
        for pointer, sub in _properties(_load(name), "#")
        if sub is not False and not (isinstance(sub, dict) and sub.get("description"))
    ]
    assert missing == []


def test_description_walk_sees_properties_inside_if_then_branches() -> None:
    pointers = [p for p, _ in _properties(_load("environment.schema.json"), "#")]
    assert any("/then/" in p and p.endswith("/hostKey") for p in pointers)
    assert len(pointers) > 100


def _case_documents() -> list[tuple[str, Any]]:
    from pathlib import Path

    from gitops_ml.spec.findings import Findings
    from gitops_ml.spec.loader import load_document

    here = Path(__file__).parent
    files = sorted(here.glob("cases/**/*.yaml")) + sorted(
        here.parent.parent.glob("environments/*.yaml")
    )
    documents = []
    for path in files:
        document = load_document(path.name, path.read_bytes(), Findings())
        if document is not None:
            documents.append((path.name, document.data))
    return documents


@pytest.mark.parametrize("schema", ["model", "environment"])
def test_compiled_fast_path_agrees_with_jsonschema_on_every_case(schema: str) -> None:
    from gitops_ml.spec.schema import is_valid, validator

    documents = _case_documents()
    assert len(documents) > 50
    disagree = [
        name
        for name, data in documents
        if is_valid(data, schema) != validator(schema).is_valid(data)
    ]
    assert disagree == []
