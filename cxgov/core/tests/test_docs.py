"""The docs stay true: every environment variable the settings read is documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _variables_read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))


def test_every_setting_variable_is_in_configuration_doc_and_env_example():
    variables = _variables_read_by_settings()
    assert "DATABASE_URL" in variables
    doc = (ROOT / "docs" / "configuration.md").read_text()
    example = (ROOT / ".env.example").read_text()
    assert not {v for v in variables if f"`{v}`" not in doc}
    assert not {v for v in variables if not re.search(rf"^#? ?{v}=", example, re.M)}


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
