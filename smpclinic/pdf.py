"""What every PDF the clinic hands out starts with: its logo, when it has one."""

from __future__ import annotations

import io

from .clinic import clinic_profile

LOGO_HEIGHT_MM = 14


def draw_logo(pdf) -> None:
    """The clinic's logo at the top left of the page (fpdf2), and the text below it."""
    logo = bytes(clinic_profile().logo_png or b"")
    if not logo:
        return
    pdf.image(io.BytesIO(logo), x=pdf.l_margin, y=pdf.get_y(), h=LOGO_HEIGHT_MM)
    pdf.ln(LOGO_HEIGHT_MM + 3)
