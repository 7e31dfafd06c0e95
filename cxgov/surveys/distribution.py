"""Ways a survey reaches people: QR codes for kiosks and counters, invitation email text."""

from __future__ import annotations

import qrcode
import qrcode.image.svg


def qr_svg(url: str) -> str:
    """An SVG QR code (a single path, no style attributes) that opens `url`."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    # A title makes the code announce what it is when placed on a page.
    return svg.replace(">", "><title>QR code for the survey</title>", 1)
