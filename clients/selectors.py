"""Reads of client records, shaped for the screens that use them."""

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from phonenumber_field.phonenumber import PhoneNumber, to_python

from .models import Client
from .search import search_terms


def client_search(*, query: str = "") -> QuerySet[Client]:
    """Clients whose name, email or phone contain every term typed, by name."""
    qs = Client.objects.only(
        "id", "first_name", "last_name", "email", "phone", "date_of_birth", "created_at"
    )
    terms = search_terms(query)
    if not terms:
        # The name index gives the first page without sorting anything.
        return qs.order_by("last_name", "first_name", "id")
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    # Sorting by an expression keeps PostgreSQL from walking the name index
    # and filtering as it goes (slow for common surnames late in the alphabet);
    # it takes the matches from the trigram index and sorts just those.
    return qs.order_by(Lower("last_name"), Lower("first_name"), "id")


def client_duplicates(*, email: str, phone, exclude_pk: int | None = None) -> dict[str, Client]:
    """The existing clients that already use this email or this phone number."""
    if not email and not phone:
        return {}
    # Compared the way the unique indexes are built (lower-cased email, phone),
    # so each side is one index lookup rather than a scan of every client.
    conditions = Q()
    if email:
        conditions |= Q(email_lower=email.strip().lower()) & ~Q(email="")
    if phone:
        conditions |= Q(phone=phone) & ~Q(phone="")
    matches = Client.objects.alias(email_lower=Lower("email")).filter(conditions).order_by()
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    found: dict[str, Client] = {}
    for client in matches[:2]:
        if email and client.email.lower() == email.strip().lower():
            found.setdefault("email", client)
        if phone and client.phone == phone:
            found.setdefault("phone", client)
    return found


def clients_added_recently(*, limit: int = 5) -> list[Client]:
    return list(Client.objects.order_by("-created_at", "-id")[:limit])


def client_for_phone(number: str) -> Client | None:
    """The client whose phone is this number (as a provider gives it, e.g. "+447700900123").

    Read the way the record's field reads a typed number (the clinic's region for a
    number without a country code), so it matches however the desk typed it; phone
    numbers are unique among clients, so there is at most one.
    """
    parsed = to_python(number or "")
    if not isinstance(parsed, PhoneNumber) or not parsed.is_valid():
        return None
    return Client.objects.filter(phone=parsed.as_e164).exclude(phone="").first()
