"""Check live answers against portal/openapi.yaml (the contract both sides are written to)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

import jsonschema
import yaml

from config.settings import REPO_ROOT


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: `nullable: true` becomes a null-allowing type."""
    if isinstance(node, dict):
        converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
        if node.get("nullable") and "type" in converted:
            converted["type"] = [converted["type"], "null"]
        elif node.get("nullable"):  # a nullable reference (allOf: [$ref]): null, or what it refers to
            converted = {"anyOf": [{"type": "null"}, converted]}
        return converted
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    return node


@lru_cache(maxsize=1)
def document() -> Dict[str, Any]:
    return _json_schema(yaml.safe_load((REPO_ROOT / "portal" / "openapi.yaml").read_text(encoding="utf-8")))


def response_schema(path: str, method: str, status: int) -> Dict[str, Any]:
    operation = document()["paths"][path][method.lower()]
    response = operation["responses"][str(status)]
    if "$ref" in response:
        response = document()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def check(path: str, method: str, response) -> Dict[str, Any]:
    """The answer's status is listed for this operation and its body fits the schema."""
    body = response.json()
    schema = dict(response_schema(path, method, response.status_code), components=document()["components"])
    jsonschema.validate(body, schema, cls=jsonschema.Draft7Validator,
                        resolver=jsonschema.RefResolver.from_schema(document()))
    return body
