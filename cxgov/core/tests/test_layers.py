"""The layers of docs/architecture.md that import-linter cannot see: who may define models."""

from __future__ import annotations

import ast

import pytest
from django.apps import apps

from cxgov.testing.data import REPOSITORY

PRESENTATION_APPS = ["public", "api"]


@pytest.mark.parametrize("label", PRESENTATION_APPS)
def test_public_site_and_api_register_no_models(label: str) -> None:
    assert list(apps.get_app_config(label).get_models()) == []


@pytest.mark.parametrize("label", PRESENTATION_APPS)
def test_public_site_and_api_declare_no_model_classes(label: str) -> None:
    declared = []
    for path in (REPOSITORY / "cxgov" / label).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                ast.unparse(base) in {"models.Model", "Model"} for base in node.bases
            ):
                declared.append(f"{path.relative_to(REPOSITORY)}: {node.name}")
    assert declared == []
