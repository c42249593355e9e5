"""Consent versions and signatures.

A consent version is the exact text a client signs. Once anyone has signed it,
it never changes: a change is a new version (copied as a draft, then published),
and the newest published version of each active form is the one clients sign.
A client who signed an older version signs the current one again before their
next session starts.

`consent_document` builds the text of a version; the consent page shows it and
`consent_sign` stores it, so what was signed is exactly what was shown.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from scheduling.availability import Problem
from smpclinic.prepared import PreparedQuery

from .models import ConsentSignature, ConsentTemplate, ConsentVersion, Consultation, FormChannel

USER_AGENT_MAX = 300
FORM_CHANGED = _("The form changed since you opened it. Please read it again before signing.")
# The text of a version as a client reads it; a change to any of these makes a new version.


@dataclass(frozen=True)
class ConsentDocument:
    """A consent version as shown to the client and stored with the signature."""

    version: ConsentVersion
    title: str
    body: str
    statements: tuple[str, ...]
    text: str
    sha256: str
    # The language of this text; empty for the clinic's own wording.
    language: str = ""

    @property
    def numbered_statements(self) -> list[tuple[int, str]]:
        return list(enumerate(self.statements, start=1))


def consent_document(version: ConsentVersion, language: str = "") -> ConsentDocument:
    """The one place the text of a consent version is put together.

    In `language` when the version has a translation into it with as many statements as
    the clinic's own text (statements are ticked by number); otherwise the clinic's own.
    """
    source, used = version, ""
    translated = _translation(version, language)
    if translated is not None:
        source, used = translated, translated.language
    title = source.title.strip()
    body = _normalise_newlines(source.body).strip()
    statements = tuple(_normalise_newlines(str(s)).strip() for s in source.statements or [])
    lines = [title, "", body, ""]
    lines += [f"{number}. {statement}" for number, statement in enumerate(statements, start=1)]
    text = "\n".join(lines).strip() + "\n"
    return ConsentDocument(
        version=version,
        title=title,
        body=body,
        statements=statements,
        text=text,
        sha256=sha256_of(text),
        language=used,
    )


def _translation(version: ConsentVersion, language: str):
    from django.conf import settings

    if not language or language == settings.LANGUAGE_CODE.lower() or version.pk is None:
        return None
    translated = next((t for t in version.translations.all() if t.language == language), None)
    if translated is None:
        return None
    statements = [s for s in translated.statements or [] if str(s).strip()]
    if len(statements) != len(version.statements or []):
        return None  # half-translated: the clinic's own text, in full
    if not translated.title.strip() or not translated.body.strip():
        return None
    return translated


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- versions ------------------------------------------------------------------------------


def consent_version_save(*, version: ConsentVersion) -> ConsentVersion:
    """Save a version's changes; signed text refuses the change (ConsentVersion.save)."""
    if not isinstance(version.statements, list) or not all(
        isinstance(s, str) and s.strip() for s in version.statements
    ):
        raise ValidationError({"statements": _("Give the statements as a list of sentences.")})
    version.save()
    return version


@transaction.atomic
def consent_version_copy_as_draft(*, version: ConsentVersion, by=None) -> ConsentVersion:
    """A new unpublished version of the same form with the same text, to edit."""
    template = ConsentTemplate.objects.select_for_update().get(pk=version.template_id)
    highest = template.versions.aggregate(n=Max("number"))["n"] or 0
    return ConsentVersion.objects.create(
        template=template,
        number=highest + 1,
        title=version.title,
        body=version.body,
        statements=list(version.statements),
        created_by=by,
    )


def consent_version_publish(*, version: ConsentVersion) -> ConsentVersion:
    """Make this version the one clients sign (the newest published version is current)."""
    if not version.statements:
        raise ValidationError(_("A consent form needs at least one statement to tick."))
    if version.published_at is None:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
    return version


def current_versions() -> list[ConsentVersion]:
    """The version clients sign now of each active form, in the forms' order.

    One query: every published version of the active forms with its form, newest first
    within each form (a clinic keeps a handful), the first of each form kept."""
    current: dict[int, ConsentVersion] = {}
    for version in _PUBLISHED.fetch():
        current.setdefault(version.template_id, version)
    return list(current.values())


_PUBLISHED = PreparedQuery(
    lambda: (
        ConsentVersion.objects.filter(published_at__isnull=False, template__is_active=True)
        .select_related("template")
        .order_by("template__position", "template__name", "template_id", "-published_at", "-number")
    )
)


def is_current(version: ConsentVersion) -> bool:
    return any(v.pk == version.pk for v in current_versions())


# --- signatures ----------------------------------------------------------------------------


def consent_outstanding(client: Client) -> list[ConsentVersion]:
    """The current version of each active form that this client has not signed."""
    current = current_versions()
    signed = set(
        ConsentSignature.objects.filter(
            client=client, version__in=[v.pk for v in current]
        ).values_list("version_id", flat=True)
    )
    return [version for version in current if version.pk not in signed]


def session_start_problem(client: Client) -> Problem | None:
    """Why a session cannot start for this client (consent outstanding), or None."""
    outstanding = consent_outstanding(client)
    if not outstanding:
        return None
    names = " and the ".join(f"“{version.template.name}” form" for version in outstanding)
    return Problem(
        "consent",
        f"{client.full_name} must sign the current {names} before the session starts.",
        "consent",
    )


def names_match(typed: str, full_name: str) -> bool:
    """Case, spacing and accents do not matter: "jose  garcia" signs for "José García"."""
    return bool(_name_key(typed)) and _name_key(typed) == _name_key(full_name)


def _name_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("-", " ").split())


@transaction.atomic
def consent_sign(
    *,
    client: Client,
    version: ConsentVersion,
    typed_name: str,
    ticked: list[int],
    consultation: Consultation | None,
    channel: str,
    ip: str | None,
    user_agent: str,
    text_shown_sha256: str | None = None,
    language: str = "",
) -> ConsentSignature:
    """Record that the client signed this version, with exactly the text they were shown.

    Refuses (ValidationError) a version that is no longer the current one, a page
    whose text has changed since it was shown, a name that is not the client's,
    and any statement left unticked.
    """
    if channel not in FormChannel.values:
        raise ValidationError(_("Unknown way of signing."))
    if consultation is not None and consultation.client_id != client.pk:
        raise ValidationError(_("This consultation belongs to someone else."))
    version = ConsentVersion.objects.select_related("template").get(pk=version.pk)
    document = consent_document(version, language)
    if not is_current(version) or (
        text_shown_sha256 is not None and text_shown_sha256 != document.sha256
    ):
        raise ValidationError(FORM_CHANGED, code="form_changed")

    errors: dict[str, str] = {}
    typed_name = " ".join((typed_name or "").split())
    if not typed_name:
        errors["typed_name"] = "Type your full name to sign."
    elif not names_match(typed_name, client.full_name):
        errors["typed_name"] = (
            f"Type your full name as the clinic has it: {client.full_name}. "
            "If it is wrong, please tell the clinic."
        )
    try:
        ticked_numbers = {int(n) for n in ticked}
    except (TypeError, ValueError):
        ticked_numbers = set()
    missing = [n for n in range(1, len(document.statements) + 1) if n not in ticked_numbers]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        errors["ticked"] = f"Tick every statement to sign (not ticked: {listed})."
    if errors:
        raise ValidationError(errors)
    if ConsentSignature.objects.filter(client=client, version=version).exists():
        raise ValidationError(_("You have already signed this form."), code="already_signed")
    try:
        with transaction.atomic():
            return ConsentSignature.objects.create(
                client=client,
                version=version,
                consultation=consultation,
                typed_name=typed_name[:200],
                language=document.language,
                text_shown=document.text,
                text_sha256=document.sha256,
                channel=channel,
                ip_address=ip or None,
                user_agent=(user_agent or "")[:USER_AGENT_MAX],
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You have already signed this form."), code="already_signed"
        ) from error


def signatures_of(client: Client):
    return (
        ConsentSignature.objects.filter(client=client)
        .select_related("version__template")
        .order_by("-signed_at", "-id")
    )


# --- drafts, for the clinic's settings -------------------------------------------------------


def statements_from_text(text: str) -> list[str]:
    """The statements a client ticks, typed one a line (blank lines left out)."""
    return [line.strip() for line in _normalise_newlines(text or "").split("\n") if line.strip()]


def _live_of(versions: list[ConsentVersion]) -> ConsentVersion | None:
    published = [v for v in versions if v.published_at is not None]
    return max(published, key=lambda v: (v.published_at, v.number), default=None)


def _draft_of(versions: list[ConsentVersion], live: ConsentVersion | None) -> ConsentVersion | None:
    drafts = [
        v for v in versions if v.published_at is None and (live is None or v.number > live.number)
    ]
    return max(drafts, key=lambda v: v.number, default=None)


def live_version(template: ConsentTemplate) -> ConsentVersion | None:
    """The version of this form clients sign now (the newest published), or None."""
    return _live_of(list(template.versions.all()))


def draft_version(template: ConsentTemplate) -> ConsentVersion | None:
    """The draft being prepared for this form: an unpublished version newer than the live one."""
    versions = list(template.versions.all())
    return _draft_of(versions, _live_of(versions))


@dataclass(frozen=True)
class ConsentFormVersions:
    template: ConsentTemplate
    live: ConsentVersion | None
    draft: ConsentVersion | None
    history: list[ConsentVersion]  # every version, newest first, with `n_signatures`


def consent_forms_versions(templates=None) -> list[ConsentFormVersions]:
    """Each consent form with its live version, its draft and its history (two queries)."""
    templates = ConsentTemplate.objects.all() if templates is None else templates
    templates = templates.prefetch_related(
        Prefetch(
            "versions",
            queryset=ConsentVersion.objects.annotate(n_signatures=Count("signatures")).order_by(
                "-number"
            ),
            to_attr="history",
        )
    )
    rows = []
    for template in templates:
        live = _live_of(template.history)
        rows.append(
            ConsentFormVersions(
                template=template,
                live=live,
                draft=_draft_of(template.history, live),
                history=template.history,
            )
        )
    return rows


@transaction.atomic
def consent_draft_start(*, template: ConsentTemplate, by=None) -> ConsentVersion:
    """The form's draft: the one in progress, else a copy of the live version (or a blank
    first version for a form that has none)."""
    ConsentTemplate.objects.select_for_update().get(pk=template.pk)
    draft = draft_version(template)
    if draft is not None:
        return draft
    live = live_version(template)
    if live is not None:
        return consent_version_copy_as_draft(version=live, by=by)
    highest = template.versions.aggregate(n=Max("number"))["n"] or 0
    return ConsentVersion.objects.create(
        template=template, number=highest + 1, title=template.name, body="", created_by=by
    )


def consent_draft_update(
    *, version: ConsentVersion, title: str, body: str, statements: list[str]
) -> ConsentVersion:
    """Change the text of a draft: a title, an explanation and at least one statement.
    A published version is not a draft: its change is a new draft (ValidationError)."""
    if version.published_at is not None:
        raise ValidationError(
            f"Version {version.number} is published: start a new draft to change the form."
        )
    title = " ".join((title or "").split())
    body = _normalise_newlines(body or "").strip()
    statements = [" ".join(str(s).split()) for s in statements or [] if str(s).strip()]
    errors = {}
    if not title:
        errors["title"] = "Give the form a title."
    elif len(title) > ConsentVersion._meta.get_field("title").max_length:
        errors["title"] = "Keep the title to 200 characters."
    if not body:
        errors["body"] = "Write what the client reads before the statements."
    if not statements:
        errors["statements"] = "Give at least one statement for the client to tick."
    if errors:
        raise ValidationError(errors)
    version.title, version.body, version.statements = title, body, statements
    return consent_version_save(version=version)


def consent_draft_publish(*, version: ConsentVersion) -> ConsentVersion:
    """Publish a draft: from now on clients sign it, and a client who signed an earlier
    version signs it before their next session (consent_outstanding). A draft that says
    exactly what the live version says is refused: nobody should sign the same text twice."""
    version = ConsentVersion.objects.select_related("template").get(pk=version.pk)
    if version.published_at is not None:
        raise ValidationError(
            _("Version %(number)s is already published.") % {"number": version.number}
        )
    live = live_version(version.template)
    if live is not None and consent_document(live).text == consent_document(version).text:
        raise ValidationError(
            _("The draft says exactly what the live version says: there is nothing to publish.")
        )
    return consent_version_publish(version=version)
