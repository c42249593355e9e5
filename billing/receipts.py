"""Receipts: a PDF for every payment and refund, numbered in the clinic's one sequence.

The number is taken with the row (billing.ledger), so a receipt is never renumbered;
this module only draws it. The font is the DejaVu Sans shipped with the consent PDFs,
so any name prints as typed.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from consultations.pdf import FONT
from smpclinic import formats
from smpclinic.clinic import clinic_context
from smpclinic.i18n import language_or_default
from smpclinic.pdf import draw_logo

from .ledger import SIGNED
from .models import EntryKind, LedgerEntry, MoneySettings
from .money import money

RECEIPT_KINDS = (EntryKind.PAYMENT, EntryKind.REFUND)


def receipt_label(entry: LedgerEntry) -> str:
    number = f"{entry.receipt_number:06d}"
    if entry.kind == EntryKind.REFUND:
        return _("Refund receipt %(number)s") % {"number": number}
    return _("Receipt %(number)s") % {"number": number}


def receipt_filename(entry: LedgerEntry) -> str:
    return f"receipt-{entry.receipt_number:06d}.pdf"


def balance_after(entry: LedgerEntry) -> Decimal:
    """What the client owed (negative: had in credit) once this row counted (one query)."""
    rows = LedgerEntry.objects.filter(client_id=entry.client_id).filter(
        Q(at__lt=entry.at) | Q(at=entry.at, id__lte=entry.id)
    )
    return rows.aggregate(total=Sum(SIGNED, default=Decimal("0.00")))["total"]


def receipt_pdf(entry: LedgerEntry) -> bytes:
    """The receipt of one payment or refund (bytes), in the client's language."""
    if entry.kind not in RECEIPT_KINDS or entry.receipt_number is None:
        raise ValueError("Only payments and refunds have receipts.")
    with translation.override(language_or_default(entry.client.language)):
        return _receipt_pdf(entry)


def _receipt_pdf(entry: LedgerEntry) -> bytes:
    clinic = clinic_context()
    money_settings = MoneySettings.current()
    local = timezone.localtime(entry.at)
    owed = balance_after(entry)

    pdf = FPDF(format="A4")
    pdf.set_title(f"{receipt_label(entry)}, {clinic['clinic_name']}")
    pdf.set_author(clinic["clinic_name"])
    pdf.set_creator(clinic["clinic_name"])
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_page()
    width = pdf.epw
    draw_logo(pdf)

    pdf.set_font("DejaVu", size=16)
    pdf.multi_cell(width, 8, clinic["clinic_name"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.set_text_color(90, 90, 90)
    for line in (
        clinic["clinic_address"],
        " · ".join(filter(None, (clinic["clinic_phone"], clinic["clinic_email"]))),
        _("VAT number %(number)s") % {"number": money_settings.tax_number}
        if money_settings.tax_number
        else "",
    ):
        if line:
            pdf.multi_cell(width, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", size=14)
    pdf.multi_cell(width, 7, receipt_label(entry), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(
        width,
        5,
        formats.show(local, "DAY_LONG_YEAR_CLOCK_FORMAT"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)

    rows = [
        (_("Client"), entry.client.full_name),
        (_("For"), entry.description),
    ]
    if entry.appointment_id:
        visit = timezone.localtime(entry.appointment.starts_at)
        rows.append(
            (
                _("Appointment"),
                f"{entry.appointment.type.name_in()}, "
                f"{formats.show(visit, 'DAY_SHORT_YEAR_CLOCK_FORMAT')}",
            )
        )
    rows += [
        (
            _("Paid by") if entry.kind == EntryKind.PAYMENT else _("Refunded by"),
            entry.get_method_display(),
        ),
        (_("Amount") if entry.kind == EntryKind.PAYMENT else _("Refunded"), money(entry.amount)),
    ]
    if owed > 0:
        rows.append((_("Still to pay"), money(owed)))
    elif owed < 0:
        rows.append((_("In credit"), money(-owed)))
    else:
        rows.append((_("Balance"), _("Nothing owed")))
    label_width = 38
    for label, value in rows:
        pdf.set_text_color(90, 90, 90)
        pdf.cell(label_width, 6, label)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(width - label_width, 6, str(value), new_x="LMARGIN", new_y="NEXT")
    if money_settings.receipt_note:
        pdf.ln(6)
        pdf.set_font("DejaVu", size=9)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(width, 4.5, money_settings.receipt_note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", size=8)
    pdf.set_text_color(120, 120, 120)
    pdf.multi_cell(
        width,
        4,
        _("Amounts in %(currency)s. Keep this receipt for your records.")
        % {"currency": settings.CLINIC_CURRENCY},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
