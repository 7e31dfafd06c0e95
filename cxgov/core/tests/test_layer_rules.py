"""The write and read layers of docs/architecture.md, checked on the syntax tree.

Every ORM write lives in a `services` module, or in one of the few modules named below that are
part of a write path by design. Views, the public site and the API routers read agency data
through selectors, never through a model's manager. Each offence is reported as `file:line`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from cxgov.testing.data import REPOSITORY

CXGOV = REPOSITORY / "cxgov"

MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Write methods only a manager, a queryset or a related manager has.
ORM_ONLY_WRITES = {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_STEPS = {"filter", "exclude", "all", "select_for_update", "select_related", "order_by"}
ORM_READ_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}

# Modules that write outside `services` by design, each with the reason. The list stays short:
# a new write goes into a service.
WRITES_ALLOWED_BY_NAME = {
    # A model's own save and delete overrides and its manager's `create_user`.
    "models.py",
    # Demo seed loaders, run by `cxgov demo` inside the demo's one transaction.
    "demo.py",
}
WRITES_ALLOWED = {
    # Restoring an agency export writes every model's rows in bulk inside one transaction.
    "registry/transfer.py",
    # Rollups are folded inside the transaction of the service that changed the responses.
    "surveys/rollups.py",
    # The performance.gov importer replaces a quarter's imported rollups inside its own
    # transaction, called by the A-11 upload page and `cxgov import_a11_quarterly`.
    "a11/importers_performance_gov.py",
    # The rate limiter counts attempts in one atomic statement and sweeps expired counters
    # before any service runs (it guards sign-in, public forms and the API alike).
    "core/ratelimit.py",
}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    """Every product module (tests, test support and migrations aside), relative to cxgov/."""
    for path in sorted(CXGOV.rglob("*.py")):
        relative = path.relative_to(CXGOV)
        if {"tests", "testing", "migrations"} & set(relative.parts):
            continue
        yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _chain(node: ast.expr) -> Iterator[ast.expr]:
    """The receivers of an attribute or call chain, nearest first: `a.b().c` gives `a.b()`, `a`."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return
        yield node


def _on_manager(node: ast.expr) -> bool:
    return any(isinstance(link, ast.Attribute) and link.attr in MANAGERS for link in _chain(node))


def _on_queryset(node: ast.expr) -> bool:
    return any(
        isinstance(link, ast.Call)
        and isinstance(link.func, ast.Attribute)
        and link.func.attr in QUERYSET_STEPS
        for link in _chain(node)
    )


def orm_writes(tree: ast.AST) -> list[int]:
    """Lines that write through the ORM.

    A model's `save()` and `delete()` take no positional argument, which tells them apart from a
    storage's, a file field's or an image's `save(name, ...)` and `delete(name)`.
    """
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        if (
            method in ORM_ONLY_WRITES
            or (
                method in {"update", "delete"} and (_on_manager(receiver) or _on_queryset(receiver))
            )
            or (method in {"save", "delete"} and not positional)
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def orm_reads(tree: ast.AST) -> list[int]:
    """Lines that reach a model's manager, or Django's shortcuts that query a model."""
    lines = {
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in MANAGERS)
        or (isinstance(node, ast.Name) and node.id in ORM_READ_SHORTCUTS)
    }
    return sorted(lines)


def _in_write_layer(relative: str) -> bool:
    parts = relative.split("/")
    name = parts[-1]
    return (
        name == "services.py"
        or name.startswith("services_")
        or "services" in parts[:-1]
        or name in WRITES_ALLOWED_BY_NAME
        or relative in WRITES_ALLOWED
    )


def _is_view(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return (
        name == "views.py"
        or name.startswith("views_")
        or relative.startswith(("public/", "api/routers/"))
    )


def test_orm_writes_happen_only_in_services():
    offences = [
        f"cxgov/{relative}:{line}"
        for relative, tree in _modules()
        if not _in_write_layer(relative)
        for line in orm_writes(tree)
    ]
    assert not offences, (
        "ORM writes outside services (move them into the app's services.py):\n"
        + "\n".join(offences)
    )


def test_views_public_site_and_api_read_agency_data_through_selectors():
    offences = [
        f"cxgov/{relative}:{line}"
        for relative, tree in _modules()
        if _is_view(relative)
        for line in orm_reads(tree)
    ]
    assert not offences, (
        "ORM reads in views, the public site or API routers (move them into the app's "
        "selectors.py):\n" + "\n".join(offences)
    )


def test_every_module_allowed_to_write_exists():
    assert [relative for relative in WRITES_ALLOWED if not (CXGOV / relative).is_file()] == []


def test_the_checker_tells_orm_writes_from_file_and_image_saves():
    source = """
Service.objects.create(name="a")
Service.objects.filter(pk=1).update(name="b")
agency.services.filter(published=True).delete()
service.channels.get_or_create(kind="phone")
service.save(update_fields=["name"])
service.delete()
super().save(*args, **kwargs)
storage.save(name, content)
storage.delete(name)
image.save(buffer)
values.update({"a": 1})
cache.delete("key")
"""
    assert orm_writes(ast.parse(source)) == [2, 3, 4, 5, 6, 7, 8]


def test_the_checker_finds_manager_reads_and_shortcuts():
    source = """
Service.objects.get(pk=1)
type(stage)._default_manager.filter(pk=2)
get_object_or_404(Service, pk=3)
agency_public(slug="fba")
access_service(user=user, agency_slug="fba", service_id=4)
"""
    assert orm_reads(ast.parse(source)) == [2, 3, 4]
