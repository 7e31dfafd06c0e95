"""Render HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, from the same template as the page."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings

STATIC_ROOT_DIR = Path(settings.BASE_DIR) / "static"
# fontTools logs every table it prunes, WeasyPrint every rendering step: noise on the command line.
for _name in ("fontTools", "weasyprint.progress"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that reads data: URLs and /static/… from the source tree only,
    so a PDF never fetches anything over the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            marker = settings.STATIC_URL
            path = url.split(marker, 1)[1] if marker in url else ""
            candidate = (STATIC_ROOT_DIR / path).resolve()
            if path and candidate.is_file() and STATIC_ROOT_DIR.resolve() in candidate.parents:
                kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, candidate.read_bytes(), headers={"Content-Type": kind}
                )
            raise ValueError(f"refusing to fetch {url!r} while rendering a PDF")

    return StaticOnlyFetcher(allowed_protocols={"data", "http", "https", "file"})


def html_to_pdf(*, html: str, base_url: str = "http://cxgov.invalid/") -> bytes:
    """A tagged PDF of `html`: title and language come from <title> and <html lang>; headings
    become bookmarks; images keep their alt text as the tag's alternative description."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=_fetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")
