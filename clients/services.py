"""Writes to client records. Views, the admin, commands and later the API call these."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import format_html

from .models import Client
from .selectors import client_duplicates

CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "preferred_channel",
    "contact_consent",
    "language",
    "referral_source",
    "notes",
)


def duplicate_contact_error(
    *, email: str, phone, exclude_pk: int | None = None
) -> ValidationError | None:
    """The field errors for an email or phone another client already uses, if any.

    Forms call this to warn early (even while other fields still need fixing);
    `client_create` and `client_update` call it again before saving.
    """
    duplicates = client_duplicates(email=email, phone=phone, exclude_pk=exclude_pk)
    return _duplicate_error(duplicates) if duplicates else None


def _duplicate_error(duplicates: dict[str, Client]) -> ValidationError:
    labels = {"email": "email address", "phone": "phone number"}
    return ValidationError(
        {
            field: format_html(
                'Another client already has this {}: <a href="{}">{}</a>. '
                "Open their record instead of creating a second one.",
                labels[field],
                existing.get_absolute_url(),
                existing.full_name,
            )
            for field, existing in duplicates.items()
        }
    )


def _save_unique(client: Client) -> Client:
    """Save, turning a duplicate email or phone into a field error.

    The check before saving gives the friendly message; the database's unique
    constraints catch two front-desk staff saving the same person at once.
    """
    error = duplicate_contact_error(email=client.email, phone=client.phone, exclude_pk=client.pk)
    if error:
        raise error
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:
        duplicates = client_duplicates(email=client.email, phone=client.phone, exclude_pk=client.pk)
        if duplicates:
            raise _duplicate_error(duplicates) from None
        raise
    return client


def client_create(*, created_by=None, **fields) -> Client:
    """Create a client record; raises ValidationError on a duplicate email or phone."""
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown client fields: {sorted(unknown)}")
    client = Client(created_by=created_by, **fields)
    client.email = (client.email or "").strip().lower()
    return _save_unique(client)


def _e164(phone) -> str:
    return str(getattr(phone, "as_e164", None) or phone or "")


@transaction.atomic
def client_update(*, client: Client, now: dt.datetime | None = None, **fields) -> Client:
    """Change a client record; raises ValidationError on a duplicate email or phone.

    A STOP belongs to the number it was sent from (the SMS provider, too, blocks that
    number, not the person): when the desk puts a new number on the record of a client who
    had stopped texts, texts go to the new number, and the record says the STOP came from
    the old one. The client replying STOP from the new number stops them again.
    """
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown client fields: {sorted(unknown)}")
    # Read from the database: a model form has already put the new values on `client`.
    old_phone = _e164(Client.objects.filter(pk=client.pk).values_list("phone", flat=True).first())
    for name, value in fields.items():
        setattr(client, name, value)
    client.email = (client.email or "").strip().lower()
    new_phone = _e164(client.phone)
    if client.sms_opted_out and new_phone and new_phone != old_phone:
        client.sms_opted_out = False
        client.sms_consent_changed_at = now or timezone.now()
        was = f" (was {old_phone})" if old_phone else ""
        client.sms_consent_changed_how = (
            f"New phone number{was}: the STOP came from the old number"
        )[:200]
    return _save_unique(client)


# Left on a new record booked online with a phone number another record already has.
POSSIBLE_DUPLICATE_NOTE = (
    "Possible duplicate: booked online giving the phone number {phone}, which is already on "
    "another client's record, so it was not saved here. Check whether they are the same "
    "person before merging anything."
)


def _phone_text(phone) -> str:
    return getattr(phone, "as_international", None) or str(phone)


# No savepoint: the booking that calls it gives up on any error it raises (what it
# catches itself, a lost race on saving, has its own).
@transaction.atomic(savepoint=False)
def client_for_online_booking(
    *,
    first_name: str,
    last_name: str,
    email: str,
    phone,
    contact_consent: bool = False,
    language: str = "",
) -> Client:
    """The client a booking made by a member of the public belongs to.

    Only the email address, compared without regard to case, finds an existing
    client: the booking's confirmation and its private links go to that address,
    so a booking lands on a record only when the record's address is the one the
    booker typed. A phone number alone never does (anyone can type anyone's
    number): the booker gets a new record of their own, without that number,
    which stays on the record that has it, and with a note telling the front desk
    it may be a duplicate. An existing client's details are not changed by what a
    web form said, beyond filling in a missing phone number nobody else uses. The
    caller answers the same either way, so the form never reveals who is a client.
    """
    email = (email or "").strip().lower()
    if not email:
        raise ValueError("An online booking needs the booker's email address.")
    existing = client_duplicates(email=email, phone=phone)
    client = existing.get("email")
    if client is not None:
        changed = []
        # Fill in a missing way to reach them, if nobody else uses it.
        if not client.phone and phone and "phone" not in existing:
            client.phone = phone
            changed.append("phone")
        if contact_consent and not client.contact_consent:
            client.contact_consent = True
            changed.append("contact_consent")
        # The language they booked in, when the record has none yet.
        if language and not client.language:
            client.language = language
            changed.append("language")
        if changed:
            _save_unique(client)
        return client
    notes = ""
    if "phone" in existing:
        notes = POSSIBLE_DUPLICATE_NOTE.format(phone=_phone_text(phone))
        phone = ""
    return client_create(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        phone=phone or "",
        contact_consent=contact_consent,
        preferred_channel="email",
        language=language,
        notes=notes,
    )


@transaction.atomic
def client_sms_consent_set(*, client: Client, allowed: bool, how: str, now) -> bool:
    """Stop (allowed=False) or allow again the text messages to a client; whether it changed.

    Recorded with when and how (e.g. 'Replied "STOP" by text'), on the record and in its
    audit trail. Saying the same twice changes nothing, so the record keeps the moment
    the client first said it.
    """
    current = Client.objects.select_for_update().get(pk=client.pk)
    if current.sms_opted_out == (not allowed):
        return False
    current.sms_opted_out = not allowed
    current.sms_consent_changed_at = now
    current.sms_consent_changed_how = how.strip()[:200]
    current.save(
        update_fields=["sms_opted_out", "sms_consent_changed_at", "sms_consent_changed_how"]
    )
    client.sms_opted_out = current.sms_opted_out
    client.sms_consent_changed_at = current.sms_consent_changed_at
    client.sms_consent_changed_how = current.sms_consent_changed_how
    return True
