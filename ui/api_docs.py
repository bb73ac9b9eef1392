"""The API's documentation as one server-rendered HTML page, built from its OpenAPI schema.

FastAPI's Swagger UI loads its scripts from a CDN, which the Content-Security-Policy refuses (and should); this
page has no script at all. Every text taken from the schema is escaped (html.escape), names and anchors too,
so a description holding markup shows as text. The docs hold no data, so the page is public like the schema.
"""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #212b32; }
h2 { border-top: 1px solid #d8dde0; padding-top: 1rem; margin-top: 2rem; }
code, .path { font-family: ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #d8dde0; padding: 0.3rem 0.5rem; }
.method { font-weight: bold; color: #005eb8; }
"""

METHODS = ("get", "put", "post", "delete", "patch")


def e(value: object) -> str:
    """Text as HTML text or attribute value: < > & and both quotes escaped."""
    return escape(str(value), quote=True)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any]) -> str:
    """A field's type in words, as HTML (a model is a link to its section)."""
    if "$ref" in schema:
        name = _ref_name(str(schema["$ref"]))
        return f'<a href="#model-{e(name)}">{e(name)}</a>'
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            parts = schema[key]
            if all(part.get("type") == "string" and "$ref" not in part for part in parts):
                return "string"  # forms of one string (a date written two ways): the description says which
            return " or ".join(dict.fromkeys(type_of(part) for part in parts))
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"list of {type_of(schema.get('items') or {})}"
    text = e(kind)
    if "format" in schema:
        text += f" ({e(schema['format'])})"
    if "enum" in schema:
        text += ": one of " + ", ".join(f"<code>{e(v)}</code>" for v in schema["enum"])
    return text


def _parameters(operation: dict[str, Any]) -> str:
    rows = [
        f"<tr><td><code>{e(p.get('name', ''))}</code></td><td>{e(p.get('in', ''))}</td>"
        f"<td>{'yes' if p.get('required') else 'no'}</td><td>{_limits(p.get('schema') or {})}</td>"
        f"<td>{e(p.get('description') or (p.get('schema') or {}).get('description') or '')}</td></tr>"
        for p in operation.get("parameters") or []
    ]
    if not rows:
        return "<p>No parameters.</p>"
    head = "<tr><th>Parameter</th><th>In</th><th>Required</th><th>Type</th><th>Description</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _limits(schema: dict[str, Any]) -> str:
    text = type_of(schema)
    bounds = [f"{label} {e(schema[key])}" for key, label in (
        ("minimum", "from"), ("maximum", "to"), ("minLength", "at least"), ("maxLength", "at most"),
    ) if key in schema]
    if "maxLength" in schema or "minLength" in schema:
        bounds = [b + " characters" if b.startswith("at ") else b for b in bounds]
    if "default" in schema:
        bounds.append(f"default <code>{e(schema['default'])}</code>")
    return text + (f" ({', '.join(bounds)})" if bounds else "")


def _responses(operation: dict[str, Any]) -> str:
    rows = []
    for status, response in sorted((operation.get("responses") or {}).items()):
        content = (response.get("content") or {}).get("application/json") or {}
        model = type_of(content["schema"]) if content.get("schema") else ""
        rows.append(f"<tr><td>{e(status)}</td><td>{e(response.get('description', ''))}</td><td>{model}</td></tr>")
    head = "<tr><th>Status</th><th>Meaning</th><th>Body</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _operation(path: str, method: str, operation: dict[str, Any]) -> str:
    anchor = f"{method}-{path}"
    return (
        f'<section id="{e(anchor)}"><h3><span class="method">{e(method.upper())}</span> '
        f'<span class="path">{e(path)}</span></h3>'
        f"<p>{e(operation.get('summary', ''))}</p>"
        f"<h4>Parameters</h4>{_parameters(operation)}<h4>Responses</h4>{_responses(operation)}</section>"
    )


def _model(name: str, schema: dict[str, Any]) -> str:
    required = set(schema.get("required") or [])
    rows = [
        f"<tr><td><code>{e(field)}</code></td><td>{type_of(spec)}</td><td>{'yes' if field in required else 'no'}</td>"
        f"<td>{e(spec.get('description', ''))}</td></tr>"
        for field, spec in (schema.get("properties") or {}).items()
    ]
    head = "<tr><th>Field</th><th>Type</th><th>Always present</th><th>Description</th></tr>"
    return f'<section id="model-{e(name)}"><h3>{e(name)}</h3><table>{head}{"".join(rows)}</table></section>'


def render(schema: dict[str, Any], schema_path: str) -> str:
    """The whole page: how to call the API, each operation's parameters and answers, then each model's fields."""
    info = schema.get("info") or {}
    paragraphs = "".join(f"<p>{e(p.strip())}</p>" for p in str(info.get("description", "")).split("\n\n") if p.strip())
    operations = [
        (path, method, item[method])
        for path, item in (schema.get("paths") or {}).items()
        for method in METHODS
        if method in item
    ]
    index = "".join(
        f'<li><a href="#{e(f"{method}-{path}")}"><span class="method">{e(method.upper())}</span> '
        f'<span class="path">{e(path)}</span></a> {e(op.get("summary", ""))}</li>'
        for path, method, op in operations
    )
    models = schema.get("components", {}).get("schemas") or {}
    title = f"{info.get('title', 'API')} {info.get('version', '')}".strip()
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{e(title)}</h1>{paragraphs}"
        "<p>Send an API token made in the app with every call, as <code>Authorization: Bearer &lt;token&gt;</code>. "
        f'The machine-readable schema (OpenAPI) is at <a href="{e(schema_path)}"><code>{e(schema_path)}</code></a>.</p>'
        f"<h2>Endpoints</h2><ul>{index}</ul>"
        + "".join(_operation(path, method, op) for path, method, op in operations)
        + "<h2>Response fields</h2>"
        + "".join(_model(name, spec) for name, spec in sorted(models.items()))
        + "</body></html>"
    )
