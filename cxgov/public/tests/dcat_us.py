"""The DCAT-US 1.1 (Project Open Data v1.1) JSON Schema, as published, for the tests.

Written from https://project-open-data.cio.gov/v1.1/schema/ (catalog.json, dataset.json,
distribution.json, organization.json, vcard.json; project-open-data/project-open-data.github.io
@ f136070): every required field, type, enumeration and pattern of the catalogue, the dataset and
the objects it holds, with the `$ref`s of the separate files as local definitions. The optional
fields cxgov does not write keep only their types. `format: uri` is not checked by jsonschema
without extra packages; the tests check the addresses themselves.
"""

from __future__ import annotations

from typing import Any

ISO_8601 = "^([\\+-]?\\d{4}(?!\\d{2}\\b))((-?)((0[1-9]|1[0-2])(\\3([12]\\d|0[1-9]|3[01]))?|W([0-4]\\d|5[0-2])(-?[1-7])?|(00[1-9]|0[1-9]\\d|[12]\\d{2}|3([0-5]\\d|6[1-6])))([T\\s]((([01]\\d|2[0-3])((:?)[0-5]\\d)?|24\\:?00)([\\.,]\\d+(?!:))?)?(\\17[0-5]\\d([\\.,]\\d+)?)?([zZ]|([\\+-])([01]\\d|2[0-3]):?([0-5]\\d)?)?)?)?$"  # noqa: E501 - verbatim from the schema
REPEATING_DURATION = "^(R\\d*\\/)?P(?:\\d+(?:\\.\\d+)?Y)?(?:\\d+(?:\\.\\d+)?M)?(?:\\d+(?:\\.\\d+)?W)?(?:\\d+(?:\\.\\d+)?D)?(?:T(?:\\d+(?:\\.\\d+)?H)?(?:\\d+(?:\\.\\d+)?M)?(?:\\d+(?:\\.\\d+)?S)?)?$"  # noqa: E501 - verbatim from the schema
REPEATING_INTERVAL = "^(R\\d*\\/)?([\\+-]?\\d{4}(?!\\d{2}\\b))((-?)((0[1-9]|1[0-2])(\\4([12]\\d|0[1-9]|3[01]))?|W([0-4]\\d|5[0-2])(-?[1-7])?|(00[1-9]|0[1-9]\\d|[12]\\d{2}|3([0-5]\\d|6[1-6])))([T\\s]((([01]\\d|2[0-3])((:?)[0-5]\\d)?|24\\:?00)([\\.,]\\d+(?!:))?)?(\\18[0-5]\\d([\\.,]\\d+)?)?([zZ]|([\\+-])([01]\\d|2[0-3]):?([0-5]\\d)?)?)?)?(\\/)P(?:\\d+(?:\\.\\d+)?Y)?(?:\\d+(?:\\.\\d+)?M)?(?:\\d+(?:\\.\\d+)?W)?(?:\\d+(?:\\.\\d+)?D)?(?:T(?:\\d+(?:\\.\\d+)?H)?(?:\\d+(?:\\.\\d+)?M)?(?:\\d+(?:\\.\\d+)?S)?)?$"  # noqa: E501 - verbatim from the schema
ACCRUAL = "^R\\/P(?:\\d+(?:\\.\\d+)?Y)?(?:\\d+(?:\\.\\d+)?M)?(?:\\d+(?:\\.\\d+)?W)?(?:\\d+(?:\\.\\d+)?D)?(?:T(?:\\d+(?:\\.\\d+)?H)?(?:\\d+(?:\\.\\d+)?M)?(?:\\d+(?:\\.\\d+)?S)?)?$"  # noqa: E501 - verbatim from the schema
MEDIA_TYPE = "^[-\\w]+/[-\\w]+(\\.[-\\w]+)*([+][-\\w]+)?$"

URI: dict[str, Any] = {"type": "string", "format": "uri"}
URI_OR_NULL: dict[str, Any] = {"anyOf": [URI, {"type": "null"}]}
TEXT_OR_NULL: dict[str, Any] = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}]}
MEDIA_OR_NULL: dict[str, Any] = {
    "anyOf": [{"type": "string", "pattern": MEDIA_TYPE}, {"type": "null"}]
}

ORGANIZATION: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "@type": {"enum": ["org:Organization"]},
        "name": {"type": "string", "minLength": 1},
        "subOrganizationOf": {"$ref": "#/definitions/organization"},
    },
}

VCARD: dict[str, Any] = {
    "type": "object",
    "required": ["fn", "hasEmail"],
    "properties": {
        "@type": {"enum": ["vcard:Contact"]},
        "fn": {"type": "string", "minLength": 1},
        "hasEmail": {
            "type": "string",
            "pattern": r"^mailto:[\w\_\~\!\$\&\'\(\)\*\+\,\;\=\:.-]+@[\w.-]+\.[\w.-]+?$",
        },
    },
}

DISTRIBUTION: dict[str, Any] = {
    "type": "object",
    "dependencies": {
        "downloadURL": {
            "properties": {"mediaType": {"type": "string", "pattern": MEDIA_TYPE}},
            "required": ["mediaType"],
        }
    },
    "properties": {
        "@type": {"enum": ["dcat:Distribution"]},
        "downloadURL": URI,
        "mediaType": MEDIA_OR_NULL,
        "format": TEXT_OR_NULL,
        "accessURL": URI_OR_NULL,
        "description": TEXT_OR_NULL,
        "title": TEXT_OR_NULL,
        "conformsTo": URI_OR_NULL,
        "describedBy": URI_OR_NULL,
        "describedByType": MEDIA_OR_NULL,
    },
}

DATASET: dict[str, Any] = {
    "type": "object",
    "required": [
        "bureauCode",
        "programCode",
        "title",
        "description",
        "keyword",
        "modified",
        "publisher",
        "contactPoint",
        "identifier",
        "accessLevel",
    ],
    "properties": {
        "@type": {"enum": ["dcat:Dataset"]},
        "accessLevel": {"enum": ["public", "restricted public", "non-public"]},
        "rights": {
            "anyOf": [{"type": "string", "minLength": 1, "maxLength": 255}, {"type": "null"}]
        },
        "accrualPeriodicity": {
            "anyOf": [
                {"enum": ["irregular"]},
                {"type": "string", "pattern": ACCRUAL},
                {"type": "null"},
            ]
        },
        "bureauCode": {
            "type": "array",
            "items": {"type": "string", "pattern": "[0-9]{3}:[0-9]{2}"},
            "minItems": 1,
            "uniqueItems": True,
        },
        "contactPoint": {"$ref": "#/definitions/vcard"},
        "describedBy": URI_OR_NULL,
        "describedByType": MEDIA_OR_NULL,
        "conformsTo": URI_OR_NULL,
        "dataQuality": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
        "description": {"type": "string", "minLength": 1},
        "distribution": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {"$ref": "#/definitions/distribution"},
                    "minItems": 1,
                    "uniqueItems": True,
                },
                {"type": "null"},
            ]
        },
        "identifier": {"type": "string", "minLength": 1},
        "issued": {"anyOf": [{"type": "string", "pattern": ISO_8601}, {"type": "null"}]},
        "keyword": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
        },
        "landingPage": URI_OR_NULL,
        "language": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]},
        "license": URI_OR_NULL,
        "modified": {
            "anyOf": [
                {"type": "string", "pattern": ISO_8601},
                {"type": "string", "pattern": REPEATING_DURATION},
                {"type": "string", "pattern": REPEATING_INTERVAL},
            ]
        },
        "primaryITInvestmentUII": {
            "anyOf": [{"type": "string", "pattern": "[0-9]{3}-[0-9]{9}"}, {"type": "null"}]
        },
        "programCode": {
            "type": "array",
            "items": {"type": "string", "pattern": "[0-9]{3}:[0-9]{3}"},
            "minItems": 1,
            "uniqueItems": True,
        },
        "publisher": {"$ref": "#/definitions/organization"},
        "references": {
            "anyOf": [
                {"type": "array", "items": URI, "minItems": 1, "uniqueItems": True},
                {"type": "null"},
            ]
        },
        "spatial": TEXT_OR_NULL,
        "systemOfRecords": TEXT_OR_NULL,
        "temporal": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "isPartOf": {"type": "string", "minLength": 1},
        "theme": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1},
                    "minItems": 1,
                    "uniqueItems": True,
                },
                {"type": "null"},
            ]
        },
        "title": {"type": "string", "minLength": 1},
    },
}

CATALOG_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "id": "https://project-open-data.cio.gov/v1.1/schema/catalog.json#",
    "type": "object",
    "dependencies": {"@type": ["@context"]},
    "required": ["conformsTo", "dataset"],
    "properties": {
        "@context": URI,
        "@id": URI,
        "@type": {"enum": ["dcat:Catalog"]},
        "conformsTo": {"enum": ["https://project-open-data.cio.gov/v1.1/schema"]},
        "describedBy": URI,
        "dataset": {"type": "array", "items": {"$ref": "#/definitions/dataset"}},
    },
    "definitions": {
        "dataset": DATASET,
        "distribution": DISTRIBUTION,
        "organization": ORGANIZATION,
        "vcard": VCARD,
    },
}
