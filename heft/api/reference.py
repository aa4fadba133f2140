"""The API reference page at /api/v1/docs, drawn on the server from the API's own OpenAPI schema.

Every operation, grouped by tag: its method and path, what it does, its path and query parameters, the
fields of its request body and the answers it gives. NHS.UK components, no script: the page works with the
site's strict CSP and passes the same accessibility checks as every other page. The schema itself is
built once per process (`SchemaBuiltOnce`); the API does not change while the process runs.
"""

import json
import re
import threading
from dataclasses import dataclass, field

from django.shortcuts import render
from markupsafe import Markup
from ninja.openapi.docs import DocsBase

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
FORMATS = {"date": "date", "date-time": "date and time", "binary": "file", "uri": "URL", "email": "email"}
NESTED_DEPTH = 1  # the fields of a field that is itself an object: one level down, no further
EMPTY, CODE, PARAGRAPH = Markup(""), Markup("<code>{}</code>"), Markup("<p>{}</p>")
SLASH = Markup("/<wbr>")  # a long path wraps after a slash rather than inside a word


class SchemaBuiltOnce:
    """Mix into a NinjaAPI: `get_openapi_schema()` builds the schema (most of a second) once per process
    and address prefix, for the schema's own address (openapi.json) and for the reference page alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas: dict = {}
        self._schemas_lock = threading.Lock()

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        with self._schemas_lock:
            if key not in self._schemas:
                self._schemas[key] = super().get_openapi_schema(
                    path_prefix=path_prefix, path_params=path_params
                )
            return self._schemas[key]


# --- the schema read into what the page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str = ""
    where: str = ""  # parameters: "path" or "query"


@dataclass(frozen=True)
class Answer:
    status: str
    description: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    path_html: Markup
    summary: str
    description: Markup
    parameters: list[Field]
    body_media_type: str
    body_name: str
    body_fields: list[Field]
    answers: list[Answer]
    signed_in: bool


@dataclass
class Tag:
    name: str
    anchor: str
    operations: list[Operation] = field(default_factory=list)


def with_code(text: str) -> Markup:
    """Plain text with each `backticked` part as code; everything else escaped. Blank lines part paragraphs,
    single line breaks are wrapping."""
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text or "") if part.strip()]
    html = []
    for paragraph in paragraphs:
        pieces = paragraph.split("`")
        if len(pieces) % 2 == 0:  # an unmatched backtick: no code at all
            pieces = [paragraph]
        # Markup's join and format escape every plain string they are given.
        inner = EMPTY.join(CODE.format(piece) if number % 2 else piece for number, piece in enumerate(pieces))
        html.append(PARAGRAPH.format(inner))
    return EMPTY.join(html)


class SchemaReader:
    def __init__(self, schema: dict):
        self.schema = schema
        self.components = schema.get("components", {}).get("schemas", {})

    def resolve(self, node: dict) -> tuple[str, dict]:
        """A schema node with its $ref followed: (the component's name or "", the node)."""
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            return name, self.components.get(name, {})
        return "", node

    def type_of(self, node: dict) -> str:
        name, node_resolved = self.resolve(node)
        if name:
            if "enum" in node_resolved:
                return self.type_of(node_resolved)
            return name
        node = node_resolved
        for combined, joiner in (("anyOf", " or "), ("oneOf", " or "), ("allOf", " and ")):
            if combined in node:
                kinds = [self.type_of(option) for option in node[combined]]
                nullable = "null" in kinds
                kinds = [kind for kind in dict.fromkeys(kinds) if kind != "null"]
                return joiner.join(kinds) + (" or null" if nullable else "")
        if "enum" in node:
            return "one of " + ", ".join(str(value) for value in node["enum"])
        kind = node.get("type", "any")
        if isinstance(kind, list):
            return " or ".join(str(k) for k in kind)
        if kind == "array":
            return "list of " + self.type_of(node.get("items", {}))
        if kind == "string" and node.get("format"):
            return FORMATS.get(node["format"], node["format"])
        return kind

    def object_of(self, node: dict) -> tuple[str, dict]:
        """The object a field holds (directly, as a list of them, or one of them or null)."""
        name, resolved = self.resolve(node)
        if resolved.get("type") == "array":
            return self.object_of(resolved.get("items", {}))
        for combined in ("anyOf", "oneOf", "allOf"):
            objects = [self.object_of(option) for option in resolved.get(combined, [])]
            objects = [found for found in objects if found[1]]
            if len(objects) == 1:
                return objects[0]
        return (name, resolved) if "properties" in resolved else ("", {})

    def fields_of(self, node: dict, *, prefix: str = "", depth: int = 0) -> list[Field]:
        _, node = self.resolve(node)
        required = set(node.get("required", []))
        fields = []
        for name, prop in node.get("properties", {}).items():
            _, resolved = self.resolve(prop)
            fields.append(
                Field(
                    name=prefix + name,
                    type=self.type_of(prop),
                    required=name in required,
                    description=describe(
                        prop.get("description") or resolved.get("description", ""), resolved
                    ),
                )
            )
            _, inner = self.object_of(prop)
            if inner and depth < NESTED_DEPTH:
                fields += self.fields_of(inner, prefix=f"{prefix}{name}.", depth=depth + 1)
        return fields

    def parameters_of(self, operation: dict) -> list[Field]:
        found = []
        for parameter in operation.get("parameters", []):
            _, parameter = self.resolve(parameter)
            if parameter.get("in") not in ("path", "query"):
                continue
            schema = parameter.get("schema", {})
            found.append(
                Field(
                    name=parameter["name"],
                    type=self.type_of(schema),
                    required=bool(parameter.get("required")),
                    description=describe(
                        parameter.get("description") or schema.get("description", ""), schema
                    ),
                    where=parameter["in"],
                )
            )
        return found

    def body_of(self, operation: dict) -> tuple[str, str, list[Field]]:
        """(media type, the body's schema name, its fields) for the operation's request body, if any."""
        content = operation.get("requestBody", {}).get("content", {})
        if not content:
            return "", "", []
        media_type, description = next(iter(content.items()))
        node = description.get("schema", {})
        name, resolved = self.resolve(node)
        fields = self.fields_of(resolved)
        if not fields:  # a list, or a single value
            fields = [Field(name="(the whole body)", type=self.type_of(node), required=True)]
        return media_type, name, fields

    def operations(self) -> list[Tag]:
        tags: dict[str, Tag] = {}
        for path, path_item in self.schema.get("paths", {}).items():
            for method, operation in path_item.items():
                if method not in HTTP_METHODS:
                    continue
                tag_name = (operation.get("tags") or ["other"])[0]
                tag = tags.setdefault(tag_name, Tag(name=tag_name, anchor=f"tag-{slug(tag_name)}"))
                media_type, body_name, body_fields = self.body_of(operation)
                tag.operations.append(
                    Operation(
                        anchor="op-" + slug(operation.get("operationId") or f"{method}-{path}"),
                        method=method.upper(),
                        path=path,
                        path_html=SLASH.join(path.split("/")),
                        summary=operation.get("summary", ""),
                        description=with_code(operation.get("description", "")),
                        parameters=self.parameters_of(operation),
                        body_media_type=media_type,
                        body_name=body_name,
                        body_fields=body_fields,
                        answers=[
                            Answer(status=str(status), description=answer.get("description", ""))
                            for status, answer in sorted(operation.get("responses", {}).items())
                        ],
                        signed_in=bool(operation.get("security", self.schema.get("security"))),
                    )
                )
        return list(tags.values())


def describe(description: str, node: dict) -> str:
    """A field's description with its default and limits, in words."""
    parts = [" ".join(description.split())] if description else []
    if node.get("default") not in (None, "", [], {}):
        parts.append(f"Default: {json.dumps(node['default'], default=str)}.")
    if "minimum" in node and "maximum" in node:
        parts.append(f"From {node['minimum']} to {node['maximum']}.")
    if "maxLength" in node:
        parts.append(f"At most {node['maxLength']} characters.")
    return " ".join(part if part.endswith(".") else part + "." for part in parts)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# --- the page -----------------------------------------------------------------------------------------------


class ApiReference(DocsBase):
    """django-ninja's hook for an API's docs page (`NinjaAPI(docs=...)`), in place of its Swagger UI."""

    template = "api/reference.jinja"

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        info = schema.get("info", {})
        context = {
            "title": info.get("title", api.title),
            "version": info.get("version", api.version),
            "description": with_code(info.get("description", "")),
            "tags": SchemaReader(schema).operations(),
            "openapi_url": self.get_openapi_url(api, kwargs),
        }
        return render(request, self.template, context)
