"""Takings: what came in and went out, per payment method and per artist, for a day or a
period of clinic days (what the front desk counts at closing). Each table is one query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext, pgettext

from accounts.models import User
from smpclinic.clinic import clinic_zone, local_datetime

from .models import EntryKind, LedgerEntry, PaymentMethod

ZERO = Decimal("0.00")
LONGEST_DAYS = 366
# The page lists this many refunds (the latest); the CSV lists them all.
REFUNDS_SHOWN = 50


@dataclass(frozen=True)
class Line:
    label: str
    payments: Decimal
    refunds: Decimal
    count: int

    @property
    def net(self) -> Decimal:
        return self.payments - self.refunds


@dataclass
class Takings:
    first: dt.date
    last: dt.date
    by_method: list[Line] = field(default_factory=list)
    by_artist: list[Line] = field(default_factory=list)
    refunds: list[LedgerEntry] = field(default_factory=list)
    refund_count: int = 0

    @property
    def more_refunds(self) -> int:
        return self.refund_count - len(self.refunds)

    @property
    def total(self) -> Line:
        return Line(
            gettext("Total"),
            sum((line.payments for line in self.by_method), ZERO),
            sum((line.refunds for line in self.by_method), ZERO),
            sum(line.count for line in self.by_method),
        )

    @property
    def is_one_day(self) -> bool:
        return self.first == self.last


def _money_moved(first: dt.date, last: dt.date):
    zone = clinic_zone()
    start = local_datetime(first, dt.time(0), zone)
    end = local_datetime(last + dt.timedelta(days=1), dt.time(0), zone)
    return LedgerEntry.objects.filter(
        kind__in=(EntryKind.PAYMENT, EntryKind.REFUND), at__gte=start, at__lt=end
    )


SUMS = {
    "payments": Sum("amount", filter=Q(kind=EntryKind.PAYMENT), default=ZERO),
    "refunds": Sum("amount", filter=Q(kind=EntryKind.REFUND), default=ZERO),
    "count": Count("id"),
    "refund_count": Count("id", filter=Q(kind=EntryKind.REFUND)),
}


def takings(first: dt.date, last: dt.date, *, all_refunds: bool = False) -> Takings:
    """The takings of the clinic days first..last (both included), four queries; the
    latest REFUNDS_SHOWN refunds unless `all_refunds` (the CSV)."""
    rows = _money_moved(first, last)
    labels = dict(PaymentMethod.choices)
    by_method = {
        row["method"]: row for row in rows.values("method").annotate(**SUMS).order_by("method")
    }
    result = Takings(first=first, last=last)
    # Every method, in the order the desk counts them, even at zero.
    for method, label in labels.items():
        row = by_method.get(method, {"payments": ZERO, "refunds": ZERO, "count": 0})
        result.by_method.append(Line(label, row["payments"], row["refunds"], row["count"]))
        result.refund_count += row.get("refund_count", 0)
    # Grouped by the artist's id alone (a join before grouping costs twice as much),
    # then their names: one small query.
    by_artist = list(rows.values("artist_id").annotate(**SUMS).order_by())
    names = {
        user.pk: user.get_full_name()
        for user in User.objects.filter(
            pk__in=[r["artist_id"] for r in by_artist if r["artist_id"]]
        )
    }
    no_artist = gettext("Not for an artist's work")
    # The artists by name, then what was not for an artist's work.
    by_artist.sort(key=lambda row: (row["artist_id"] not in names, names.get(row["artist_id"], "")))
    result.by_artist = [
        Line(
            names.get(row["artist_id"]) or no_artist,
            row["payments"],
            row["refunds"],
            row["count"],
        )
        for row in by_artist
    ]
    refunds = (
        rows.filter(kind=EntryKind.REFUND)
        .select_related("client", "by", "approved_by")
        .order_by("-at", "-id")
    )
    result.refunds = list(refunds if all_refunds else refunds[:REFUNDS_SHOWN])
    result.refunds.reverse()
    return result


def _cents(amount: Decimal) -> str:
    return f"{amount:.2f}"


def csv_rows(result: Takings) -> list[list]:
    """The takings as CSV rows, headed in the reader's language (amounts stay plain
    numbers, times UTC, for a spreadsheet)."""
    rows = [
        [
            pgettext("takings CSV", "Section"),
            pgettext("takings CSV", "Line"),
            pgettext("takings CSV", "Payments"),
            pgettext("takings CSV", "Refunds"),
            pgettext("takings CSV", "Net"),
            pgettext("takings CSV", "Count"),
        ]
    ]
    sections = (
        (pgettext("takings CSV", "Method"), result.by_method),
        (pgettext("takings CSV", "Artist"), result.by_artist),
    )
    for section, lines in sections:
        rows += [
            [section, line.label, *map(_cents, (line.payments, line.refunds, line.net)), line.count]
            for line in lines
        ]
    total = result.total
    amounts = map(_cents, (total.payments, total.refunds, total.net))
    rows.append([gettext("Total"), "", *amounts, total.count])
    rows.append([])
    rows.append(
        [
            pgettext("takings CSV", "Refund"),
            pgettext("takings CSV", "Client"),
            pgettext("takings CSV", "Amount"),
            pgettext("takings CSV", "Reason"),
            pgettext("takings CSV", "Approved by"),
            pgettext("takings CSV", "Receipt"),
        ]
    )
    rows += [
        [
            f"{refund.at:%Y-%m-%d %H:%M} UTC",
            refund.client.full_name,
            _cents(refund.amount),
            refund.description,
            str(refund.approved_by or ""),
            refund.receipt_number,
        ]
        for refund in result.refunds
    ]
    return rows
