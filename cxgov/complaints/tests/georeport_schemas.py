"""JSON Schemas of the Open311 GeoReport v2 documents, and the same checks for their XML form.

Written from the spec (http://wiki.open311.org/GeoReport_v2/, its Service Discovery page)
and the schemas the Open311 project publishes for validation (github.com/open311/
schema-validation, `schema/georeport-v2/*.json` and the definitions of its `swagger.json`):
types, required fields, enums, nullable fields and `date-time`/`uri` formats are theirs.
Discovery and errors, which those files do not cover, follow the spec's field tables. One
addition: `additionalProperties: false`, because the spec asks servers not to add foreign
tags, so a field we invent fails here.

XML has no types: `xml_document` reads an XML answer into the JSON shape by walking the same
schema (element names from each schema's `xml` entry, numbers and booleans parsed, an empty
element as null where null is allowed), so both formats meet one schema.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse
from xml.etree import ElementTree as ET

from jsonschema import Draft202012Validator, FormatChecker

Schema = dict[str, Any]


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


STRING: Schema = {"type": "string"}
TEXT = _nullable(STRING)
DATETIME: Schema = {"type": "string", "format": "date-time"}


def _object(properties: dict[str, Schema], required: list[str], xml: str = "") -> Schema:
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if xml:
        schema["xml"] = {"name": xml}
    return schema


def _array(items: Schema, xml: str, item: str, *, min_items: int = 0) -> Schema:
    return {
        "type": "array",
        "items": {**items, "xml": {"name": item}},
        "minItems": min_items,
        "xml": {"name": xml},
    }


SERVICE = _object(
    {
        "service_code": STRING,
        "service_name": STRING,
        "description": TEXT,
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": TEXT,
        "group": TEXT,
    },
    ["service_code", "service_name", "metadata", "type"],
)
SERVICES = _array(SERVICE, "services", "service")

ATTRIBUTE_VALUE = _object({"key": STRING, "name": STRING}, ["key", "name"])
ATTRIBUTE = _object(
    {
        "variable": {"type": "boolean"},
        "code": STRING,
        "datatype": {
            "type": "string",
            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
        },
        "required": {"type": "boolean"},
        "datatype_description": TEXT,
        "order": _nullable({"type": "integer"}),
        "description": TEXT,
        "values": _array(ATTRIBUTE_VALUE, "values", "value"),
    },
    ["variable", "code", "datatype", "required"],
)
SERVICE_DEFINITION = _object(
    {"service_code": STRING, "attributes": _array(ATTRIBUTE, "attributes", "attribute")},
    ["service_code", "attributes"],
    xml="service_definition",
)

REQUEST = _object(
    {
        "service_request_id": STRING,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": TEXT,
        "service_name": TEXT,
        "service_code": STRING,
        "description": _nullable({"type": "string", "maxLength": 4000}),
        "agency_responsible": TEXT,
        "service_notice": TEXT,
        "requested_datetime": DATETIME,
        "updated_datetime": _nullable(DATETIME),
        "expected_datetime": _nullable(DATETIME),
        "address": TEXT,
        "address_id": TEXT,
        "zipcode": TEXT,
        "lat": _nullable({"type": "number", "minimum": -90, "maximum": 90}),
        "long": _nullable({"type": "number", "minimum": -180, "maximum": 180}),
        "media_url": _nullable({"type": "string", "format": "uri"}),
    },
    ["service_request_id", "status", "service_code", "requested_datetime"],
)
REQUESTS = _array(REQUEST, "service_requests", "request")

# The answer to POST requests: an id, or a token to resolve later, or neither (blackbox).
REQUEST_CREATED = _array(
    _object(
        {
            "service_request_id": STRING,
            "token": STRING,
            "service_notice": TEXT,
            "account_id": TEXT,
        },
        [],
    ),
    "service_requests",
    "request",
    min_items=1,
)
TOKEN = _array(
    _object({"service_request_id": STRING, "token": STRING}, ["service_request_id", "token"]),
    "service_requests",
    "request",
    min_items=1,
)

DISCOVERY = _object(
    {
        "changeset": DATETIME,
        "contact": STRING,
        "key_service": STRING,
        "endpoints": _array(
            _object(
                {
                    "specification": {"type": "string", "format": "uri"},
                    "url": {"type": "string", "format": "uri"},
                    "changeset": DATETIME,
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": _array(
                        {"type": "string", "enum": ["text/xml", "application/json"]},
                        "formats",
                        "format",
                        min_items=1,
                    ),
                },
                ["specification", "url", "changeset", "type", "formats"],
            ),
            "endpoints",
            "endpoint",
            min_items=1,
        ),
    },
    ["changeset", "contact", "endpoints"],
    xml="discovery",
)

ERRORS = _array(
    _object({"code": {"type": "integer"}, "description": STRING}, ["code", "description"]),
    "errors",
    "error",
    min_items=1,
)

_formats = FormatChecker()


@_formats.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlparse(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate(document: Any, schema: Schema) -> None:
    """Raise jsonschema.ValidationError when the document does not meet the schema."""
    Draft202012Validator(schema, format_checker=_formats).validate(document)


# --- XML -----------------------------------------------------------------------------------


def _types(schema: Schema) -> list[str]:
    if "anyOf" in schema:
        return [t for option in schema["anyOf"] for t in _types(option)]
    return [schema["type"]] if "type" in schema else []


def _scalar(text: str | None, schema: Schema) -> Any:
    types = _types(schema)
    if not text:
        return None if "null" in types else ("" if "string" in types else text)
    if "number" in types or "integer" in types:
        try:
            return int(text) if "integer" in types else float(text)
        except ValueError:
            return text  # left as text, so the schema refuses it
    if "boolean" in types:
        return {"true": True, "false": False}.get(text, text)
    return text


def _read(element: ET.Element, schema: Schema) -> Any:
    types = _types(schema)
    if "array" in types:
        items = schema["items"]
        name = items["xml"]["name"]
        wrong = [child.tag for child in element if child.tag != name]
        if wrong:
            raise AssertionError(f"<{element.tag}> holds <{wrong[0]}>, not only <{name}>")
        return [_read(child, items) for child in element]
    if "object" in types:
        document: dict[str, Any] = {}
        for child in element:
            if child.tag in document:
                raise AssertionError(f"<{element.tag}> repeats <{child.tag}>")
            inner = schema["properties"].get(child.tag, {"type": "string"})
            document[child.tag] = _read(child, inner)
        return document
    if len(element):
        raise AssertionError(f"<{element.tag}> should hold text, not elements")
    return _scalar(element.text, schema)


def xml_document(body: bytes, schema: Schema) -> Any:
    """The XML answer read into the JSON shape of `schema`; the root must be the spec's."""
    if not body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'):
        raise AssertionError("the XML declaration with encoding utf-8 must come first")
    root = ET.fromstring(body)  # noqa: S314 - our own server's answer in a test
    expected = schema["xml"]["name"]
    if root.tag != expected:
        raise AssertionError(f"the root element is <{root.tag}>, not <{expected}>")
    return _read(root, schema)
