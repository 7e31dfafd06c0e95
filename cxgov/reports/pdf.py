"""Render HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, from the same template as the page."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

STATIC_ROOT_DIR = Path(settings.BASE_DIR) / "static"


def _static_fetcher(url: str) -> dict:
    """Serve /static/… from the source tree so a PDF never fetches anything over the network."""
    from weasyprint import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url)
    marker = settings.STATIC_URL
    path = url.split(marker, 1)[1] if marker in url else ""
    candidate = (STATIC_ROOT_DIR / path).resolve()
    if path and candidate.is_file() and STATIC_ROOT_DIR.resolve() in candidate.parents:
        return {"file_obj": candidate.open("rb"), "filename": candidate.name}
    raise ValueError(f"refusing to fetch {url!r} while rendering a PDF")


def html_to_pdf(*, html: str, base_url: str = "http://cxgov.invalid/") -> bytes:
    """A tagged PDF of `html`: title and language come from <title> and <html lang>; headings
    become bookmarks; images keep their alt text as the tag's alternative description."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=_static_fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1")
