"""The API's reference page, drawn on the server from the OpenAPI schema: no script, no CDN."""

from functools import cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@cache
def schema() -> dict[str, Any]:
    """The OpenAPI schema of the code, generated once per process (it changes only with a release)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(spec: dict[str, Any], node: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """(name, schema) of a `$ref`, or ("", the inline schema)."""
    node = node or {}
    ref = node.get("$ref", "")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return name, spec["components"]["schemas"][name]
    return "", node


def _fields(spec: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(node.get("required", ()))
    fields = []
    for name, field in node.get("properties", {}).items():
        items = field.get("items", {})
        of, _ = _component(spec, items if "$ref" in items else field if "$ref" in field else None)
        kind = field.get("type") or (f"object {of}" if of else "object")
        if kind == "array":
            kind = f"list of {of or items.get('type', 'values')}"
        if field.get("nullable"):
            kind += " or null"
        fields.append(
            {"name": name, "type": kind, "required": name in required, "about": field.get("description", "")}
        )
    return fields


def _body(spec: dict[str, Any], content: dict[str, Any] | None) -> dict[str, Any] | None:
    if not content:
        return None
    name, node = _component(spec, next(iter(content.values())).get("schema"))
    return {"name": name, "about": node.get("description", ""), "fields": _fields(spec, node)}


def operations() -> list[dict[str, Any]]:
    """Every operation of the schema: path, method, words, parameters, request body and responses."""
    spec = schema()
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            found.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "required": parameter.get("required", False),
                            "about": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "request": _body(spec, operation.get("requestBody", {}).get("content")),
                    "responses": [
                        {
                            "status": status,
                            "about": answer.get("description", ""),
                            "body": _body(spec, answer.get("content")),
                        }
                        for status, answer in operation.get("responses", {}).items()
                    ],
                }
            )
    return found


def shapes() -> list[dict[str, Any]]:
    """Every named object of the schema with its fields: what the bodies above refer to by name."""
    spec = schema()
    return [
        {"name": name, "about": node.get("description", ""), "fields": _fields(spec, node)}
        for name, node in sorted(spec["components"]["schemas"].items())
        if node.get("properties")
    ]
