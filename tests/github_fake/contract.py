"""GitHub's published OpenAPI description (a subset), used to check the fake's traffic.

Every request the product sends must be an operation the file lists, with a JSON body
that validates against the operation's request schema; every reply the fake builds must
validate against the response schema for its status code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator

CONTRACT = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "github"
    / "github-rest-openapi-subset.json"
)
METHODS = ("get", "post", "patch", "put", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    pattern: re.Pattern[str]
    spec: dict[str, Any]

    def params(self, path: str) -> dict[str, str]:
        match = self.pattern.fullmatch(path)
        return dict(match.groupdict()) if match else {}


class Contract:
    def __init__(self, path: Path = CONTRACT) -> None:
        self.document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        _allow_null_in_nullable_enums(self.document)
        _drop_discriminators_without_mapping(self.document)
        self.operations: list[Operation] = []
        for template, item in self.document["paths"].items():
            for method in METHODS:
                if method in item:
                    self.operations.append(
                        Operation(
                            method.upper(),
                            template,
                            item[method]["operationId"],
                            _compile(template),
                            item[method],
                        )
                    )
        # literal segments win over parameters (e.g. /issues/comments/{id})
        self.operations.sort(key=lambda op: op.template.count("{"))

    def match(self, method: str, path: str) -> Operation | None:
        for operation in self.operations:
            if operation.method == method and operation.pattern.fullmatch(path):
                return operation
        return None

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def request_schema(self, operation: Operation) -> dict[str, Any] | None:
        body = operation.spec.get("requestBody")
        if not body:
            return None
        content = self.resolve(body)["content"]
        media = content.get("application/json") or next(iter(content.values()))
        schema: dict[str, Any] = media["schema"]
        return schema

    def response_schema(
        self, operation: Operation, status: int
    ) -> dict[str, Any] | None:
        responses = operation.spec["responses"]
        reply = responses.get(str(status))
        if reply is None:
            return None
        content = self.resolve(reply).get("content") or {}
        media = content.get("application/json")
        return media["schema"] if media else None

    def errors(self, schema: dict[str, Any], value: Any) -> list[str]:
        validator = _validator(json.dumps(schema, sort_keys=True), id(self))
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
            for e in validator.iter_errors(value)
        ]

    def component(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{name}"}


_CONTRACTS: dict[int, Contract] = {}


@cache
def load() -> Contract:
    contract = Contract()
    _CONTRACTS[id(contract)] = contract
    return contract


@cache
def _validator(schema_json: str, contract_id: int) -> OAS30Validator:
    schema = json.loads(schema_json)
    schema["components"] = _CONTRACTS[contract_id].document["components"]
    return OAS30Validator(schema)


def _compile(template: str) -> re.Pattern[str]:
    regex = ""
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
        regex += re.escape(literal)
        if name:
            # {path} and {ref} may hold slashes; everything else is one segment
            regex += (
                f"(?P<{name}>.+)" if name in ("path", "ref") else f"(?P<{name}>[^/]+)"
            )
    return re.compile(regex)


def _allow_null_in_nullable_enums(node: Any) -> None:
    """Read ``nullable`` + ``enum`` the way GitHub means it: null is allowed.

    OpenAPI 3.0.3 says null must also be listed in the enum; GitHub's description does
    not list it (a check run in progress has ``conclusion: null``), so it is added here.
    """
    if isinstance(node, dict):
        enum = node.get("enum")
        if node.get("nullable") and isinstance(enum, list) and None not in enum:
            enum.append(None)
        for value in node.values():
            _allow_null_in_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _allow_null_in_nullable_enums(value)


def _drop_discriminators_without_mapping(node: Any) -> None:
    """Let ``oneOf`` decide where GitHub's discriminator names no schemas.

    ``checks/create`` uses ``discriminator: {propertyName: status}`` beside a ``oneOf``
    whose branches are inline; a validator would look for a schema named after the
    status value (``#/components/schemas/in_progress``), which does not exist.
    """
    if isinstance(node, dict):
        found = node.get("discriminator")
        if isinstance(found, dict) and "mapping" not in found and "oneOf" in node:
            del node["discriminator"]
        for value in node.values():
            _drop_discriminators_without_mapping(value)
    elif isinstance(node, list):
        for value in node:
            _drop_discriminators_without_mapping(value)
