"""URL patterns that share a route prefix, so a URLconf states each prefix once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.http import HttpResponseBase
from django.urls import URLPattern, path


class PrefixedPath(Protocol):
    """`path` with the route written after a fixed prefix."""

    def __call__(
        self, route: str, view: Callable[..., HttpResponseBase], *, name: str
    ) -> URLPattern: ...


def path_under(prefix: str) -> PrefixedPath:
    """A `path` for the pages below `prefix`, such as one object's pages below its id
    (`path_under("<int:survey_id>/")("edit/", ...)` is the route `<int:survey_id>/edit/`)."""

    def prefixed_path(
        route: str, view: Callable[..., HttpResponseBase], *, name: str
    ) -> URLPattern:
        return path(prefix + route, view, name=name)

    return prefixed_path
