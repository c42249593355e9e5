"""What a message to a client says.

The clinic writes the wording of each kind of message (`MessageTemplate`), with
placeholders such as {first_name}. The placeholders each kind may use are declared
by the app the kind is about (reminders.kinds) and checked when a template is saved, so a typo is
refused at the desk, not discovered when the message goes out.

`compose(reminder)` is what the dispatcher calls: it asks the kind's app for the
values (the appointment time in the clinic's zone, private links…), renders the
clinic's wording and returns the email (text, HTML, attachments) and the SMS.
When the message no longer makes sense (the appointment was cancelled, the
check-in already sent, the template switched off) it raises NotWanted with the
reason staff see in the reminders list.

Values are always plain strings and templates are rendered with
`str.format_map`; attribute access, indexing, conversions and format specs are
refused when saved and dropped when sending, so a template can never reach
into an object or build a huge string.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import re
import string
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from smpclinic import formats
from smpclinic.clinic import clinic_context, clinic_zone, local_datetime
from smpclinic.money import money

from .kinds import PLACEHOLDER_HELP, NotWanted, get_kind, placeholders_of, reason
from .models import MessageTemplate, Reminder

# Why a message is not sent: kept in English on the reminder, shown to staff in their
# language (reminders.kinds.reason_shown).
NO_CLINIC_WORDING = reason(gettext_noop("The clinic has no wording for this kind of message."))
SWITCHED_OFF_BY_CLINIC = reason(gettext_noop("switched off by the clinic"))
CLIENT_GONE = reason(gettext_noop("The client no longer exists."))
NO_WORDING_FOR_KIND = reason(gettext_noop("No wording for messages of kind “%(kind)s”."))

SMS_MAX = 480


@dataclass(frozen=True)
class Composed:
    subject: str  # email subject, one line
    text: str  # plain-text email body
    html: str  # HTML email body
    sms: str  # SMS text (<= 480 chars)
    attachments: tuple[tuple[str, str, str], ...] = ()  # (filename, content, mimetype)


# --- placeholders -------------------------------------------------------------------------


def allowed_placeholders(kind: str) -> frozenset[str]:
    """The placeholders a kind of message may use, as its app declared them."""
    return placeholders_of(kind)


def _fields(text: str) -> list[tuple[str, str | None, str | None]]:
    """(field name, format spec, conversion) of each placeholder; ValueError when malformed."""
    return [
        (name, spec, conversion)
        for _literal, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    ]


def template_problems(kind: str, text: str) -> list[str]:
    """What is wrong with the placeholders of one text (empty when nothing)."""
    try:
        fields = _fields(text)
    except ValueError:
        return [
            gettext(
                "A curly bracket is not closed (or opened): placeholders look like {first_name}; "
                "write {{ or }} for a bracket on its own."
            )
        ]
    allowed = placeholders_of(kind)
    problems, unknown = [], []
    for name, spec, conversion in fields:
        if name == "":
            problems.append(
                gettext("An empty placeholder {} must name a value, e.g. {first_name}.")
            )
        elif not name.isidentifier() or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            problems.append(
                gettext(
                    "%(shown)s is not a placeholder: write just the name in brackets, e.g. "
                    "{first_name}."
                )
                % {"shown": shown}
            )
        elif name not in allowed and name not in unknown:
            unknown.append(name)
    if unknown:
        listed = ", ".join("{" + name + "}" for name in unknown)
        available = ", ".join("{" + name + "}" for name in sorted(allowed))
        problems.append(
            ngettext(
                "Unknown placeholder %(listed)s. This message can use: %(available)s.",
                "Unknown placeholders %(listed)s. This message can use: %(available)s.",
                len(unknown),
            )
            % {"listed": listed, "available": available}
        )
    return problems


def validate_template(kind: str, subject: str, email_text: str, sms_text: str) -> None:
    """Refuse unknown or malformed placeholders, keyed by field: checked when saved."""
    errors = {}
    for field, text in (("subject", subject), ("email_text", email_text), ("sms_text", sms_text)):
        problems = template_problems(kind, text or "")
        if problems:
            errors[field] = problems
    if errors:
        raise ValidationError(errors)


class _Values(dict):
    def __missing__(self, key):
        # Only reachable for a template saved before its placeholder was withdrawn.
        return ""


def render(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders filled in; anything but a plain {name} is left out.

    A line whose placeholders are all empty is left out too, so "Your forms:
    {forms_url}" disappears when there are no forms to fill in.
    """
    lines = []
    for line, names in _template_lines(text):
        if names is None:
            lines.append(line)  # refused when saved; an old malformed line goes as written
            continue
        if names and not any(str(values.get(name, "")).strip() for name in names):
            continue
        lines.append(line.format_map(_Values(values)))
    return "\n".join(lines)


@functools.lru_cache(maxsize=512)
def _template_lines(text: str) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """Each line of a wording, read once (a batch sends the same wording many times): the
    line ready for format_map with its placeholder names, or as written (names None) when
    it is malformed."""
    lines = []
    for line in text.splitlines():
        try:
            parsed = list(string.Formatter().parse(line))
        except ValueError:
            lines.append((line, None))
            continue
        safe, names = [], []
        for literal, name, spec, conversion in parsed:
            safe.append(literal.replace("{", "{{").replace("}", "}}"))
            if name is not None and name.isidentifier() and not spec and not conversion:
                safe.append("{" + name + "}")
                names.append(name)
        lines.append(("".join(safe), tuple(names)))
    return tuple(lines)


# --- values every kind may use --------------------------------------------------------------


def when_text(moment: dt.datetime) -> str:
    """e.g. "Tuesday 3 March at 10:15", in the clinic's zone."""
    local = moment.astimezone(clinic_zone())
    # In the named formats of the language the message is composed in. The reminders that
    # fall due together are mostly about the same times: each is written once.
    return _when_words(
        local,
        local.tzinfo,
        translation.get_language(),
        formats.pattern("DAY_LONG_FORMAT"),
        formats.pattern("CLOCK_FORMAT"),
    )


@functools.lru_cache(maxsize=1024)
def _when_words(local: dt.datetime, zone, language: str | None, day: str, clock: str) -> str:
    # The zone is part of the key: moments are equal across zones, their wall times not.
    return gettext("%(day)s at %(time)s") % {
        "day": formats.show(local, "DAY_LONG_FORMAT"),
        "time": formats.clock(local),
    }


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def money_text(amount, currency: str) -> str:
    """e.g. "£1,200.00" in the clinic's locale; "" for no amount."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return money(value, currency or None)


def number_in(data: dict | None, key: str) -> int | None:
    """An id or day number from a reminder's data (JSON), or None."""
    value = (data or {}).get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _clinic() -> dict[str, str]:
    return {key: str(value or "") for key, value in clinic_context().items()}


def values_for(reminder: Reminder, clinic: dict[str, str]) -> tuple[dict, tuple]:
    """The placeholder values of this reminder's kind and its attachments, from the app that
    declared the kind (and any app that extends it); NotWanted when it should not go."""
    kind = get_kind(reminder.kind)
    if kind is None:
        raise NotWanted(NO_WORDING_FOR_KIND, kind=reminder.kind)
    values, attachments = kind.values(reminder, clinic)
    for extra in kind.extras:
        values.update(extra(reminder, values))
    return values, tuple(attachments)


# --- composing ----------------------------------------------------------------------------


_LINK = re.compile(r"https?://[^\s<>\"']+")


def html_paragraphs(text: str) -> str:
    """Plain text as safe HTML paragraphs, its web addresses as links.

    The text is the clinic's wording with the values filled in: everything is escaped
    first, then the addresses (which escaping leaves intact) become links. Far cheaper
    than the urlize filter, which matters at hundreds of messages a second.
    """
    paragraphs = []
    for block in re.split(r"\n{2,}", text.strip()):
        if not block.strip():
            continue
        escaped = html.escape(block.strip(), quote=True)
        linked = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return mark_safe("\n".join(paragraphs))  # noqa: S308 - built from escaped text above


def shipped_template(kind: str) -> MessageTemplate | None:
    """The wording the product ships for a kind (migrations 0003, 0005, 0006, 0007, 0011), unsaved:
    used when the clinic's row is missing, so a deleted template never silently stops a
    message."""
    defaults = {
        **import_module("reminders.migrations.0003_default_message_templates").DEFAULTS,
        **import_module("reminders.migrations.0005_receipt_message").DEFAULTS,
        **import_module("reminders.migrations.0006_deposit_due_message").DEFAULTS,
        **import_module("reminders.migrations.0007_waitlist_offer_message").DEFAULTS,
    }
    wording = dict(defaults.get(kind) or {})
    if wording:
        # Later changes to the shipped wording ("Reply C to confirm").
        wording.update(
            import_module("reminders.migrations.0011_reply_c_to_confirm").UPDATES.get(kind, {})
        )
    wording.pop("offsets_hours", None)  # timing defaults are the kind's own (reminders.kinds)
    return MessageTemplate(kind=kind, enabled=True, **wording) if wording else None


# --- languages ------------------------------------------------------------------------------

TEXT_FIELDS = ("subject", "email_text", "sms_text")


def _names(text: str) -> set[str] | None:
    try:
        return {name for name, _spec, _conversion in _fields(text or "")}
    except ValueError:
        return None


def translation_problems(template: MessageTemplate, translated) -> dict[str, list[str]]:
    """What keeps a translation from standing in for the clinic's own wording, by field.

    Its placeholders must be valid for the kind and exactly those of the clinic's own
    text: a missing {manage_url} would lose the link, an extra one would come out empty.
    """
    problems: dict[str, list[str]] = {}
    for field in TEXT_FIELDS:
        text = getattr(translated, field) or ""
        found = template_problems(template.kind, text)
        if not found:
            theirs, ours = _names(text), _names(getattr(template, field) or "")
            if ours is not None and theirs != ours:
                missing = sorted(ours - theirs)
                extra = sorted(theirs - ours)
                words = []
                if missing:
                    words.append(
                        gettext("it leaves out %(names)s")
                        % {"names": ", ".join("{" + n + "}" for n in missing)}
                    )
                if extra:
                    words.append(
                        gettext("it adds %(names)s")
                        % {"names": ", ".join("{" + n + "}" for n in extra)}
                    )
                found = [
                    gettext(
                        "This translation must use the same placeholders as the clinic's own "
                        "wording: %(differences)s."
                    )
                    % {
                        "differences": words[0]
                        if len(words) == 1
                        else gettext("%(first)s and %(last)s")
                        % {"first": words[0], "last": words[1]}
                    }
                ]
        if found:
            problems[field] = found
    return problems


def shipped_translation(kind: str, language: str) -> MessageTemplate | None:
    """The product's own wording of a kind in a language, unsaved (None when there is none)."""
    from .shipped_wording import SHIPPED

    wording = SHIPPED.get(language, {}).get(kind)
    return MessageTemplate(kind=kind, enabled=True, **wording) if wording else None


def _is_product_wording(template: MessageTemplate) -> bool:
    """Whether the clinic's wording of a kind is still the product's, as shipped."""
    shipped = shipped_template(template.kind)
    return shipped is not None and all(
        getattr(template, field) == getattr(shipped, field) for field in TEXT_FIELDS
    )


def template_for_language(template: MessageTemplate, language: str) -> tuple[MessageTemplate, str]:
    """The wording to send in `language`, and the language it is really in.

    The clinic's translation when it has one whose placeholders match its own wording;
    otherwise its own wording, in the clinic's language (in English while a clinic in
    another language has not edited the product's): never a message with a placeholder
    missing or left raw.
    """
    default = settings.LANGUAGE_CODE.lower()
    language = language or default
    # The migrations write the product's wording in English, whatever the clinic's language:
    # a Spanish clinic that never edited it sends the product's Spanish, not English words
    # around Spanish dates.
    in_english = not default.startswith("en") and (
        template.pk is None or _is_product_wording(template)
    )
    if language == default and not in_english:
        return template, default
    english = language if language.startswith("en") else "en-gb"
    fallback = (template, english if in_english else default)
    if template.pk is None:
        shipped = shipped_translation(template.kind, language)
        return (shipped, language) if shipped is not None else fallback
    translated = next((t for t in template.translations.all() if t.language == language), None)
    if translated is None or translation_problems(template, translated):
        return fallback
    wording = MessageTemplate(
        kind=template.kind,
        enabled=template.enabled,
        offsets=template.offsets,
        send_at=template.send_at,
        **{field: getattr(translated, field) for field in TEXT_FIELDS},
    )
    return wording, language


def compose(reminder: Reminder, templates: dict[str, MessageTemplate] | None = None) -> Composed:
    """The message this reminder sends, in the clinic's wording; NotWanted when it should not go.

    `templates` (kind → MessageTemplate) lets the dispatcher read the wording once per
    run instead of once per message.
    """
    return Composer(templates).compose(reminder)


class Composer:
    """Puts messages together, reading once what the messages of a batch share.

    The dispatcher keeps one for each batch (reminders.dispatch): the clinic's wording of
    a kind in a language (its translation chosen and checked), the clinic's details and
    the email's frame are then found once per kind and language, and only what is the
    client's own is filled in for each message.
    """

    def __init__(self, templates: dict[str, MessageTemplate] | None = None, *, batch=False):
        self._templates = templates
        self._read: dict[str, MessageTemplate | None] = {}
        self._wordings: dict[tuple[str, str], tuple[MessageTemplate, str]] = {}
        self._clinics: dict[str, dict[str, str]] = {}
        # A message on its own is rendered whole: a frame pays off from the second message.
        self.frame = EmailFrame(reuse=batch)

    def _template(self, kind: str) -> MessageTemplate | None:
        if self._templates is not None:
            template = self._templates.get(kind)
        elif kind in self._read:
            template = self._read[kind]
        else:
            # Its translations are read only for a client in another language.
            template = self._read[kind] = MessageTemplate.objects.filter(kind=kind).first()
        return template or shipped_template(kind)

    def _wording(self, template: MessageTemplate, language: str) -> tuple[MessageTemplate, str]:
        key = (template.kind, language)
        if key not in self._wordings:
            self._wordings[key] = template_for_language(template, language)
        return self._wordings[key]

    def _clinic(self, language: str) -> dict[str, str]:
        if language not in self._clinics:
            self._clinics[language] = _clinic()
        return self._clinics[language]

    def compose(self, reminder: Reminder) -> Composed:
        """The message this reminder sends (see compose)."""
        template = self._template(reminder.kind)
        if template is None:
            raise NotWanted(NO_CLINIC_WORDING)
        if not template.enabled:
            raise NotWanted(SWITCHED_OFF_BY_CLINIC)
        client = reminder.client
        if client is None:
            raise NotWanted(CLIENT_GONE)
        wording, language = self._wording(template, client_language(client))
        # Dates, words from the kind's app and the email's frame in the client's language
        # (switched to only when another is active).
        with _language(language):
            clinic = self._clinic(language)
            values, attachments = values_for(reminder, clinic)
            values = {"first_name": client.first_name, **values}
            return compose_from(
                wording, values, attachments=attachments, clinic=clinic, frame=self.frame
            )


def _language(language: str):
    if translation.get_language() == language:
        return contextlib.nullcontext()
    return translation.override(language)


def client_language(client) -> str:
    """The client's language when it is one the clinic offers, else the clinic's."""
    from smpclinic.i18n import language_or_default

    return language_or_default(getattr(client, "language", ""))


def compose_from(
    template: MessageTemplate,
    values: dict,
    *,
    attachments: tuple = (),
    clinic: dict[str, str] | None = None,
    frame: EmailFrame | None = None,
) -> Composed:
    """A template's wording with these values filled in: the email (text and HTML) and the
    SMS. Every message is put together here, a real client's and the settings' sample alike.
    `frame` is a batch's EmailFrame (reminders.dispatch); without it the email is rendered
    whole."""
    clinic = clinic if clinic is not None else _clinic()
    values = {
        "clinic_name": clinic["clinic_name"],
        "clinic_phone": clinic["clinic_phone"],
        **{key: str(value) for key, value in values.items()},
    }
    subject = " ".join(render(template.subject, values).split())
    body = render(template.email_text, values).strip()
    sms = render(template.sms_text, values).strip()
    if len(sms) > SMS_MAX:
        sms = sms[: SMS_MAX - 1].rstrip() + "…"
    button = None
    declared = get_kind(template.kind)
    if declared and declared.button:
        key, label = declared.button
        if values.get(key):
            button = {"url": values[key], "label": str(label)}
    # In the HTML email the button follows the paragraph that carries its link.
    body_before, body_after = body, ""
    if button and button["url"] in body:
        end = body.find("\n\n", body.index(button["url"]))
        if end != -1:
            body_before, body_after = body[:end], body[end:].strip()
    context = {
        "subject": subject,
        "body": body,
        "body_before": html_paragraphs(body_before),
        "body_after": html_paragraphs(body_after),
        "button": button,
        "has_calendar": bool(attachments),
        **clinic,
    }
    text, html_text = (frame or EmailFrame(reuse=False)).render(context)
    return Composed(
        subject=subject,
        text=text.strip() + "\n",
        html=html_text,
        sms=sms,
        attachments=tuple(attachments),
    )


class EmailFrame:
    """The email around a message's words (templates/email/reminder.txt and .html),
    rendered once for the messages that share everything but their words.

    The frame depends on the active language, the clinic's details and whether there is
    a button and words after it; for each such combination the templates are rendered once
    with a marker in place of each message's own part (subject, body, paragraphs, button),
    and every message then fills its parts in, escaped as the templates escape them. A
    frame whose filled-in copy of a sample differs from the templates' own rendering
    (a filter changing a value, say) is never reused: those messages are rendered whole.
    """

    TEXT = "email/reminder.txt"
    HTML = "email/reminder.html"
    SLOTS = ("subject", "body", "body_before", "body_after", "button_url", "button_label")
    _MARK = "\x1f"
    _SPLIT = re.compile(r"\x1f(\w+)\x1f")

    def __init__(self, *, reuse: bool = True):
        self._reuse = reuse
        # frame key -> (text pieces, HTML pieces), or None where it cannot be reused
        self._frames: dict[tuple, tuple[list[str], list[str]] | None] = {}

    @staticmethod
    def _render_whole(context: dict) -> tuple[str, str]:
        return render_to_string(EmailFrame.TEXT, context), render_to_string(
            EmailFrame.HTML, context
        )

    def render(self, context: dict) -> tuple[str, str]:
        """(plain text, HTML) of the email, as render_to_string gives them."""
        if not self._reuse:
            return self._render_whole(context)
        shared = tuple((name, value) for name, value in context.items() if name not in self._OWN)
        key = (translation.get_language(), bool(context["button"]), bool(context["body_after"]))
        key += shared
        if key not in self._frames:
            self._frames[key] = self._build(context)
        frame = self._frames[key]
        if frame is None:
            return self._render_whole(context)
        return self._fill(frame, context)

    _OWN = frozenset(("subject", "body", "body_before", "body_after", "button"))

    def _marked(self, context: dict) -> dict:
        mark = self._MARK
        marked = {
            **context,
            "subject": f"{mark}subject{mark}",
            "body": f"{mark}body{mark}",
            "body_before": mark_safe(f"{mark}body_before{mark}"),  # noqa: S308 - a marker
            "body_after": mark_safe(f"{mark}body_after{mark}") if context["body_after"] else "",  # noqa: S308
        }
        if context["button"]:
            marked["button"] = {
                "url": f"{mark}button_url{mark}",
                "label": f"{mark}button_label{mark}",
            }
        return marked

    def _build(self, context: dict) -> tuple[list[str], list[str]] | None:
        frame = tuple(
            self._SPLIT.split(rendered) for rendered in self._render_whole(self._marked(context))
        )
        for pieces in frame:
            if self._MARK in "".join(pieces[0::2]) or not set(pieces[1::2]) <= set(self.SLOTS):
                return None
        # The proof: an awkward sample, filled in, reads exactly as the templates render it.
        sample = {
            **context,
            "subject": 'Tom & Jerry\'s <b>"visit"</b>',
            "body": "Hello & <welcome>\n\nSee https://example.com/?a=1&b='2'",
            "body_before": html_paragraphs("Hello & <welcome>\n\nSee https://example.com/?a=1"),
            "body_after": html_paragraphs("After & <after>") if context["body_after"] else "",
        }
        if context["button"]:
            sample["button"] = {"url": "https://example.com/?a=1&b='2'", "label": "Go & <see>"}
        if self._fill(frame, sample) != self._render_whole(sample):
            return None
        return frame

    @staticmethod
    def _fill(frame: tuple[list[str], list[str]], context: dict) -> tuple[str, str]:
        button = context["button"] or {}
        raw = {
            "subject": context["subject"],
            "body": context["body"],
            "body_before": context["body_before"],
            "body_after": context["body_after"],
            "button_url": button.get("url", ""),
            "button_label": button.get("label", ""),
        }
        text_pieces, html_pieces = frame
        text = list(text_pieces)
        text[1::2] = [str(raw[name]) for name in text_pieces[1::2]]
        html_out = list(html_pieces)
        html_out[1::2] = [conditional_escape(raw[name]) for name in html_pieces[1::2]]
        return "".join(text), "".join(html_out)


# --- the clinic's sample, for the message settings ------------------------------------------

SAMPLE_CLIENT = "Sam Taylor"
# Example values of the placeholders, for the settings' preview and test message. The
# appointment time and the links are made from the clinic's clock and address instead.
SAMPLE_TEXT = {
    "appointment_type": gettext_lazy("Treatment session"),
    "artist": "Alex",
    "reason": gettext_lazy("Your artist is unwell"),
    "sessions": "3",
    "pigment": "Charcoal 2",
    "test_site": gettext_lazy("behind the left ear"),
    "day": "3",
    "aftercare_title": gettext_lazy("Keep it dry"),
    "aftercare_text": gettext_lazy(
        "No washing, sweating or swimming today; pat the area dry if it gets wet."
    ),
    "session_number": "1",
    "next_session_number": "2",
    "reply": gettext_lazy(
        "Your scalp has healed evenly. Next time we will build a little more density at the crown."
    ),
    "paid_for": gettext_lazy("Deposit for your treatment session"),
}
SAMPLE_AMOUNTS = {
    "estimate_total": "1200",
    "price_per_session": "400",
    "deposit": "100",
    "amount": "100",
}
SAMPLE_LINK_PATH = "/sample-link/"


def sample_appointment_time(now: dt.datetime | None = None) -> dt.datetime:
    """The sample client's appointment: 10:15 on the clinic's clock, three days from now."""
    zone = clinic_zone()
    today = (now or timezone.now()).astimezone(zone).date()
    return local_datetime(today + dt.timedelta(days=3), dt.time(10, 15), zone)


def sample_values(kind: str, *, now: dt.datetime | None = None) -> dict[str, str]:
    """Values for every placeholder a kind offers, for a sample client (Sam Taylor) with an
    appointment at a sample time in the clinic's zone and sample links to the clinic's site."""
    now = now or timezone.now()
    appointment = sample_appointment_time(now)
    currency = getattr(settings, "CLINIC_CURRENCY", "")
    known = {
        "first_name": SAMPLE_CLIENT.split()[0],
        "when": when_text(appointment),
        "previous_when": when_text(appointment - dt.timedelta(days=1)),
        "pay_by": when_text(now + dt.timedelta(hours=24)),
        "claim_by": when_text(now + dt.timedelta(hours=12)),
        "place": (clinic_context().get("clinic_address") or "") or gettext("Treatment room 1"),
        "currency": currency,
        "book_url": site_url("/book/"),
        # In the reader's language: the preview is read by the clinic's staff.
        **{name: str(text) for name, text in SAMPLE_TEXT.items()},
        "receipt_number": gettext("Receipt %(number)s") % {"number": "000042"},
        **{name: money_text(amount, currency) for name, amount in SAMPLE_AMOUNTS.items()},
    }
    values = {}
    for name in sorted(placeholders_of(kind)):
        if name in ("clinic_name", "clinic_phone"):
            continue  # the clinic's own, filled in by compose_from
        if name in known:
            values[name] = known[name]
        elif name.endswith("_url"):
            values[name] = site_url(f"{SAMPLE_LINK_PATH}{name.removesuffix('_url')}/")
        else:
            values[name] = f"[{PLACEHOLDER_HELP.get(name, name)}]"
    return values


def compose_sample(template: MessageTemplate, *, now: dt.datetime | None = None) -> Composed:
    """The template as the sample client would receive it, put together as real messages are."""
    return compose_from(template, sample_values(template.kind, now=now))


# Characters a text message carries in its 7-bit alphabet; anything else (curly quotes,
# accents outside it, emoji) sends the whole message as UCS-2, with fewer per part.
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€")


def sms_parts(text: str) -> int:
    """How many text messages the SMS is sent as (phones join them back into one)."""
    if not text:
        return 0
    if all(ch in _GSM or ch in _GSM_EXTENDED for ch in text):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        single, part = 160, 153
    else:
        units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
        single, part = 70, 67
    return 1 if units <= single else -(-units // part)
