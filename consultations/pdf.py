"""A signed consent form as a PDF: the exact text the client was shown, and how they signed.

The font is DejaVu Sans, shipped with the app (consultations/fonts, under its
own free licence), so any name (Zoë, Łukasz, Ørsted, Nguyễn) prints as typed on
every machine, with nothing to install.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from smpclinic import formats
from smpclinic.clinic import clinic_name, clinic_zone
from smpclinic.i18n import language_or_default
from smpclinic.pdf import draw_logo

from .models import ConsentSignature

FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
# Embedding a font subset logs every table it prunes; that is not news.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def _when(moment: dt.datetime) -> str:
    local = moment.astimezone(clinic_zone())
    utc = moment.astimezone(dt.UTC)
    return (
        f"{formats.show(local, 'DATE_LONG_SECONDS_ZONE_FORMAT')} ({settings.TIME_ZONE}); "
        f"{utc:%Y-%m-%d %H:%M:%S} UTC"
    )


def consent_pdf(signature: ConsentSignature) -> bytes:
    """The PDF of one signature (bytes), in the language the client signed in."""
    with translation.override(language_or_default(signature.language)):
        return _consent_pdf(signature)


def _consent_pdf(signature: ConsentSignature) -> bytes:
    version = signature.version
    pdf = FPDF(format="A4")
    pdf.set_title(f"{version.template.name}, signed by {signature.typed_name}")
    pdf.set_author(clinic_name())
    pdf.set_creator(clinic_name())
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_page()
    width = pdf.epw
    draw_logo(pdf)

    pdf.set_font("DejaVu", size=10)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(width, 5, clinic_name(), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        width,
        5,
        _("Signed consent: %(name)s, version %(number)s")
        % {"name": version.template.name, "number": version.number},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)

    # The exact text stored with the signature, line for line.
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(width, 5.5, signature.text_shown, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    pdf.set_draw_color(160, 160, 160)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)
    pdf.set_font("DejaVu", size=10)
    rows = [
        (_("Signed by (typed name)"), signature.typed_name),
        (_("Client"), signature.client.full_name),
        (_("Signed at"), _when(signature.signed_at)),
        (_("Signed"), signature.get_channel_display()),
        (_("IP address"), signature.ip_address or _("not recorded")),
        (_("Device"), signature.user_agent or _("not recorded")),
        (_("Form version"), f"{version.template.name} v{version.number}"),
        (_("SHA-256 of the text"), signature.text_sha256),
    ]
    for label, value in rows:
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(width, 5, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(width, 5, str(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    return bytes(pdf.output())
