"""docs/architecture.md names every module under cxgov/, each on its app's line of the map."""

from __future__ import annotations

import re

from cxgov.testing.data import REPOSITORY

CXGOV = REPOSITORY / "cxgov"
# Folders the map names once instead of module by module.
NAMED_AS_FOLDER = ("management/commands/", "templatetags/", "imports/")
APP_LINE = re.compile(r"^  (\w+)/ ", re.MULTILINE)


def _map_blocks() -> dict[str, str]:
    """The text of the map under each app's line (`  registry/   ...`), keyed by app."""
    doc = (REPOSITORY / "docs" / "architecture.md").read_text(encoding="utf-8")
    the_map = doc.split("## The map", 1)[1].split("```", 2)[1]
    starts = list(APP_LINE.finditer(the_map))
    return {
        start.group(1): the_map[start.start() : end.start() if end else None]
        for start, end in zip(starts, [*starts[1:], None], strict=True)
    }


def _module_names() -> list[tuple[str, str]]:
    """(app, name) for every module: its path inside the app, or the folder named for it."""
    names = set()
    for path in CXGOV.rglob("*.py"):
        relative = path.relative_to(CXGOV)
        if path.name == "__init__.py" or {"tests", "migrations"} & set(relative.parts):
            continue
        app, inside = relative.parts[0], "/".join(relative.parts[1:])
        folder = next((f for f in NAMED_AS_FOLDER if inside.startswith(f)), None)
        names.add((app, folder or inside))
    return sorted(names)


def _named(name: str, block: str) -> bool:
    return re.search(rf"(?<![\w/.]){re.escape(name)}(?![\w/])", block) is not None


def test_the_map_names_every_module_under_its_app():
    blocks = _map_blocks()
    unnamed = [
        f"cxgov/{app}/{name}"
        for app, name in _module_names()
        if not _named(name, blocks.get(app, ""))
    ]
    assert not unnamed, (
        "docs/architecture.md does not name these modules (add each, with a short phrase, "
        "under its app in the map):\n" + "\n".join(unnamed)
    )


def test_the_map_check_reads_names_on_their_own_app_line_only():
    block = "  core/   permissions.py (roles), testing/demo.py\n"
    assert _named("permissions.py", block)
    assert _named("testing/demo.py", block)
    assert not _named("demo.py", block)
    assert not _named("missions.py", block)
