"""The kinds of message the clinic sends, each declared by the app it is about.

The outbox knows no domain: what a "booking confirmation" or a "fade check-in"
says, which placeholders it offers, whether it is still wanted when its moment
comes, what it attaches and when it goes are declared by the app that owns the
thing it is about (scheduling, consultations, sessions_app, aftercare), in its
own `messages.py`, registered from that app's `AppConfig.ready()`.

Timing has one source per kind: the clinic's template for it (`MessageTemplate.offsets`
and `send_at`, in the unit the kind declares), falling back to the kind's defaults.
The writers in each app ask `due_times(kind, anchor)` and nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from smpclinic import formats
from smpclinic.clinic import clinic_zone, local_datetime


class NotWanted(Exception):
    """The message should not go out any more; str(exc) is the reason, in English.

    Raised with a reason declared by `reason()` and its values: the reminder keeps the
    English words (last_error), and staff read them in their own language (reason_shown),
    old rows too."""

    def __init__(self, reason: str, **values):
        super().__init__(reason % values if values else reason)


# Every reason a message may not be sent, in English: {words: pattern matching them filled in}.
_REASONS: dict[str, re.Pattern] = {}
# Words put into the reasons (what an appointment is called, its status): {English: shown}.
_REASON_VALUES: dict[str, object] = {}


def reason(words: str) -> str:
    """Declares why a message may not go (marked with gettext_noop where it is written), so
    that a stored reason can be shown in the reader's language. Returns the words."""
    parts = re.split(r"%\((\w+)\)s", words)
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    _REASONS[words] = re.compile(pattern)
    return words


def reason_value(words: str, shown) -> str:
    """Declares a word that goes into reasons in English (e.g. "consultation") and how it is
    shown (a lazy translation, read lower-case). Returns the English words."""
    _REASON_VALUES[words] = shown
    return words


def reason_shown(stored: str) -> str:
    """A stored reason in the reader's language; anything else (a provider's error) as it is."""
    if not stored:
        return stored
    if stored in _REASONS:
        return gettext(stored)
    for words, pattern in _REASONS.items():
        found = pattern.fullmatch(stored)
        if found:
            return gettext(words) % {
                # A reason inside a reason (a retry keeps the one before) is shown too.
                name: str(_REASON_VALUES[value]).lower()
                if value in _REASON_VALUES
                else reason_shown(value)
                for name, value in found.groupdict().items()
            }
    return stored


# --- timing ------------------------------------------------------------------------------------

NOW = "now"  # sent straight away (confirmations, replies)
HOURS_BEFORE = "hours_before"  # before a moment: appointment reminders
DAYS_AFTER = "days_after"  # on a day after another, at a time of day: check-ins
MONTHS_AFTER = "months_after"  # months after a day, at a time of day: recalls
SET_ELSEWHERE = "set_elsewhere"  # the day is set by something else (aftercare steps, a reading)

UNIT_WORDS = {
    HOURS_BEFORE: gettext_lazy("hours"),
    DAYS_AFTER: gettext_lazy("days"),
    MONTHS_AFTER: gettext_lazy("months"),
}
# The offsets' field on the message editor, e.g. "Hours before the appointment".
OFFSETS_LABEL = {
    HOURS_BEFORE: gettext_lazy("Hours before %(anchor)s"),
    DAYS_AFTER: gettext_lazy("Days after %(anchor)s"),
    MONTHS_AFTER: gettext_lazy("Months after %(anchor)s"),
}


@dataclass(frozen=True)
class Timing:
    """When a kind of message goes, and what of it the clinic may change."""

    unit: str = NOW
    anchor: str = ""  # in words (lazily translated): "the appointment", "the session"
    default: tuple[int, ...] = ()
    at: dt.time | None = None  # time of day in the clinic (days/months after, set elsewhere)
    several: bool = False  # more than one send (reminders 48 h and 24 h before)
    maximum: int = 400
    elsewhere: str = ""  # in words (lazily translated): where the day is set, for SET_ELSEWHERE

    @property
    def has_offsets(self) -> bool:
        return self.unit in UNIT_WORDS

    @property
    def has_time_of_day(self) -> bool:
        return self.at is not None


ValuesFn = Callable[..., tuple[dict, tuple]]


@dataclass
class MessageKind:
    """One kind of message: registered once, by the app it is about."""

    slug: str
    name: str  # lazily translated (gettext_lazy): read it as `label`, in the active language
    owner: str  # the app that declared it
    service: bool  # sent even to clients who did not agree to reminders
    placeholders: frozenset[str]
    values: ValuesFn  # fn(reminder, clinic) -> (values, attachments); raises NotWanted
    timing: Timing = field(default_factory=Timing)
    # (placeholder of the link, label translated when the message is composed) in the HTML email
    button: tuple[str, str] | None = None
    # Values other apps add (e.g. the forms link on a consultation's confirmation).
    extras: list[ValuesFn] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The kind's name in the active language, as plain text (safe to join and sort)."""
        return str(self.name)


_kinds: dict[str, MessageKind] = {}
# Each placeholder's help, lazily translated (the apps declare theirs with gettext_lazy).
PLACEHOLDER_HELP: dict[str, str] = {
    "first_name": gettext_lazy("the client's first name"),
    "clinic_name": gettext_lazy("the clinic's name"),
    "clinic_phone": gettext_lazy("the clinic's phone number"),
}
COMMON = frozenset(PLACEHOLDER_HELP)


def register_kind(
    slug: str,
    *,
    label: str,
    owner: str,
    values: ValuesFn,
    placeholders: dict[str, str],
    service: bool = False,
    timing: Timing | None = None,
    button: tuple[str, str] | None = None,
) -> MessageKind:
    """Declare a kind of message. `placeholders` maps each name it offers to its help text
    (the first name, clinic name and phone are offered by every kind)."""
    existing = _kinds.get(slug)
    if existing is not None and existing.owner != owner:
        raise ValueError(f"Message kind {slug!r} is already declared by {existing.owner}.")
    for name, help_text in placeholders.items():
        PLACEHOLDER_HELP.setdefault(name, help_text)
    kind = MessageKind(
        slug=slug,
        name=label,
        owner=owner,
        service=service,
        placeholders=COMMON | frozenset(placeholders),
        values=values,
        timing=timing or Timing(),
        button=button,
        extras=existing.extras if existing else [],
    )
    _kinds[slug] = kind
    return kind


def extend_kind(slug: str, *, placeholders: dict[str, str], values: ValuesFn) -> None:
    """Add placeholders to a kind another app declared: `values(reminder, values_so_far)`
    returns the extra values (or raises NotWanted). Runs after the kind's own values."""
    kind = _kinds[slug]
    for name, help_text in placeholders.items():
        PLACEHOLDER_HELP.setdefault(name, help_text)
    kind.placeholders = kind.placeholders | frozenset(placeholders)
    if values not in kind.extras:
        kind.extras.append(values)


def get_kind(slug: str) -> MessageKind | None:
    return _kinds.get(slug)


def all_kinds() -> list[MessageKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.slug)


def is_service(slug: str) -> bool:
    """Service messages go to every client with an address; the rest need their agreement."""
    kind = _kinds.get(slug)
    return bool(kind and kind.service)


def placeholders_of(slug: str) -> frozenset[str]:
    kind = _kinds.get(slug)
    return kind.placeholders if kind else COMMON


# --- the clinic's timing -----------------------------------------------------------------------


@dataclass(frozen=True)
class KindTiming:
    """A kind's timing as the clinic has set it (its template), else the kind's defaults."""

    enabled: bool
    offsets: tuple[int, ...]
    at: dt.time | None


def timing_of(slug: str) -> KindTiming:
    """One query: the clinic's template for the kind, with the kind's defaults filling gaps."""
    from .models import MessageTemplate

    kind = _kinds[slug]
    template = (
        MessageTemplate.objects.filter(kind=slug).only("enabled", "offsets", "send_at").first()
    )
    offsets = tuple(int(n) for n in (template.offsets if template else None) or kind.timing.default)
    at = (template.send_at if template else None) or kind.timing.at
    return KindTiming(enabled=template.enabled if template else True, offsets=offsets, at=at)


def wall_clock_before(moment: dt.datetime, hours: int) -> dt.datetime:
    """`hours` before `moment` on the clinic's clock: 24 hours before Sunday 10:00 is
    Saturday 10:00 even when the clocks change in between."""
    zone = clinic_zone()
    local = moment.astimezone(zone).replace(tzinfo=None) - dt.timedelta(hours=hours)
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def _clinic_day(anchor: dt.date | dt.datetime) -> dt.date:
    if isinstance(anchor, dt.datetime):
        return timezone.localtime(anchor, clinic_zone()).date()
    return anchor


def due_times(slug: str, anchor: dt.date | dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(offset, moment) for each send of a kind counted from `anchor`, as the clinic set it.

    Hours before a moment are counted on the clinic's clock; days and months after a
    day land on that day at the kind's time of day, whatever the clocks did in between.
    A reminder switched off before an appointment is not written at all; other kinds are
    written and skipped when due, so staff see why they did not go.
    """
    kind = _kinds[slug]
    timing = timing_of(slug)
    zone = clinic_zone()
    if kind.timing.unit == HOURS_BEFORE:
        if not timing.enabled:
            return []
        return [(hours, wall_clock_before(anchor, hours)) for hours in timing.offsets]
    if kind.timing.unit == DAYS_AFTER:
        day = _clinic_day(anchor)
        return [
            (days, local_datetime(day + dt.timedelta(days=days), timing.at, zone))
            for days in timing.offsets
        ]
    if kind.timing.unit == MONTHS_AFTER:
        day = _clinic_day(anchor)
        return [
            (months, local_datetime(day + relativedelta(months=months), timing.at, zone))
            for months in timing.offsets
        ]
    raise ValueError(f"Messages of kind {slug!r} have no offsets: see their timing.")


def send_time(slug: str) -> dt.time:
    """The time of day a kind whose day is set elsewhere goes at (e.g. aftercare steps)."""
    return timing_of(slug).at or dt.time(9, 0)


def _list_words(numbers: list[str]) -> str:
    if len(numbers) == 1:
        return numbers[0]
    return gettext("%(first)s and %(last)s") % {
        "first": ", ".join(numbers[:-1]),
        "last": numbers[-1],
    }


def _count(n: int, unit: str) -> str:
    if unit == HOURS_BEFORE:
        return ngettext("%(count)d hour", "%(count)d hours", n) % {"count": n}
    if unit == DAYS_AFTER:
        return ngettext("%(count)d day", "%(count)d days", n) % {"count": n}
    return ngettext("%(count)d month", "%(count)d months", n) % {"count": n}


def describe_timing(slug: str, offsets=None, at: dt.time | None = None) -> str:
    """The timing in words, e.g. "48 hours and 24 hours before the appointment" or
    "10 days after the session, at 10:00"."""
    kind = _kinds.get(slug)
    if kind is None:
        return ""
    timing = kind.timing
    offsets = [int(n) for n in (offsets or timing.default)]
    at = at or timing.at
    if timing.unit == NOW:
        return gettext("Straight away")
    if timing.unit == SET_ELSEWHERE:
        words = str(timing.elsewhere)
    else:
        amounts = _list_words([_count(n, timing.unit) for n in offsets])
        sentence = (
            gettext("%(amounts)s before %(anchor)s")
            if timing.unit == HOURS_BEFORE
            else gettext("%(amounts)s after %(anchor)s")
        )
        words = sentence % {"amounts": amounts, "anchor": timing.anchor}
    if at:
        return gettext("%(when)s, at %(time)s") % {"when": words, "time": formats.clock(at)}
    return words


def timing_problems(slug: str, offsets) -> list[str]:
    """What is wrong with offsets the clinic typed for a kind (empty when nothing)."""
    kind = _kinds.get(slug)
    if kind is None or offsets in (None, [], ()):
        return []
    timing = kind.timing
    if not timing.has_offsets:
        return [
            gettext("This message's timing is not set here: %(timing)s.")
            % {"timing": describe_timing(slug).lower()}
        ]
    unit = str(UNIT_WORDS[timing.unit])
    if not isinstance(offsets, list):
        return [
            gettext("Write the %(unit)s as a list, e.g. %(example)s.")
            % {"unit": unit, "example": list(timing.default)}
        ]
    problems = []
    for n in offsets:
        if isinstance(n, bool) or not isinstance(n, int):
            problems.append(
                gettext("%(value)s is not a whole number of %(unit)s.")
                % {"value": repr(n), "unit": unit}
            )
        elif not 1 <= n <= timing.maximum:
            problems.append(
                gettext("%(number)s %(unit)s: use between 1 and %(maximum)s.")
                % {"number": n, "unit": unit, "maximum": timing.maximum}
            )
    if not problems and not timing.several and len(set(offsets)) > 1:
        problems.append(
            gettext("This message goes once: give one number of %(unit)s.") % {"unit": unit}
        )
    return problems
