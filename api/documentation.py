"""What the API's docs page (api.views.docs) shows of the OpenAPI document ninja makes: each
operation with its parameters and the fields of its request body (their type, whether required,
limits and description, $refs resolved), and descriptions as Markdown rendered safely, by the
same renderer and sanitiser as the debates' texts (debates.rendering)."""

import json

from django.utils.safestring import mark_safe

from debates.rendering import render_markdown

# The pattern the schemas give a text that must not be blank (api.schemas._bounded).
NOT_BLANK = r"\S"


def markdown(text: str):
    """`text` (Markdown) as safe HTML: `code` spans, emphasis and paragraphs, nothing unsafe."""
    return mark_safe(render_markdown(text or ""))


def inline_markdown(text: str):
    """As markdown, without the paragraph around a text of one: for a line of a list."""
    rendered = render_markdown(text or "")
    if rendered.count("<p>") == 1 and rendered.startswith("<p>") and rendered.endswith("</p>"):
        rendered = rendered.removeprefix("<p>").removesuffix("</p>")
    return mark_safe(rendered)


def operations(schema: dict) -> list[dict]:
    """Each operation of the document, in its order, as the page lists it."""
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": markdown(operation.get("description", "")),
                    "parameters": [
                        _parameter(each, components) for each in operation.get("parameters", [])
                    ],
                    "body": _body_fields(operation, components),
                    "responses": list(operation.get("responses", {})),
                    "security": bool(operation.get("security")),
                }
            )
    return found


def _resolved(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rpartition("/")[2]]
    return schema


def _parameter(parameter: dict, components: dict) -> dict:
    return {
        **_field(
            parameter["name"],
            parameter.get("schema", {}),
            parameter.get("required", False),
            components,
            description=parameter.get("description"),
        ),
        "in": parameter["in"],
    }


def _body_fields(operation: dict, components: dict) -> list[dict]:
    content = operation.get("requestBody", {}).get("content", {})
    body = next(iter(content.values()), {}).get("schema")
    if not body:
        return []
    body = _resolved(body, components)
    required = set(body.get("required", ()))
    return [
        _field(name, field, name in required, components)
        for name, field in body.get("properties", {}).items()
    ]


def _field(name, schema, required, components, *, description=None) -> dict:
    """A parameter or a body's field. An optional one is given as anyOf [its own, null]: its
    type, limits and description are its own's, "or null" after the type."""
    schema = _resolved(schema, components)
    choices = [_resolved(each, components) for each in schema.get("anyOf", [schema])]
    values = [each for each in choices if each.get("type") != "null"]
    types = [_type(each, components) for each in values]
    if len(values) < len(choices):
        types.append("null")
    described = [description, schema.get("description")]
    described += [each.get("description") for each in values]
    return {
        "name": name,
        "type": " or ".join(types),
        "values": [value for each in values for value in each.get("enum", ())],
        "required": required,
        "limits": [limit for each in values for limit in _limits(each)],
        "patterns": [
            each["pattern"] for each in values if each.get("pattern", NOT_BLANK) != NOT_BLANK
        ],
        "default": json.dumps(schema["default"]) if "default" in schema else None,
        "description": inline_markdown(next((text for text in described if text), "")),
    }


def _type(schema: dict, components: dict) -> str:
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {_type(_resolved(schema.get('items', {}), components), components)}"
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _limits(schema: dict) -> list[str]:
    limits = []
    shortest, longest = schema.get("minLength"), schema.get("maxLength")
    if longest is not None:
        limits.append(
            f"{shortest:,} to {longest:,} characters"
            if shortest
            else f"at most {longest:,} characters"
        )
    elif shortest:
        limits.append(f"at least {shortest:,} characters")
    if schema.get("pattern") == NOT_BLANK:
        limits.append("not blank")
    least, most = schema.get("minimum"), schema.get("maximum")
    if least is not None and most is not None:
        limits.append(f"from {least:,} to {most:,}")
    elif least is not None:
        limits.append(f"at least {least:,}")
    elif most is not None:
        limits.append(f"at most {most:,}")
    return limits
