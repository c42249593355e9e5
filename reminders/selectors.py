"""Reading reminders for the staff pages: each a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BigIntegerField, CharField, Count, Max, Q, QuerySet
from django.utils.translation import pgettext_lazy

from smpclinic.prepared import Param, PreparedQuery

from .deliverability import normalise_address
from .models import (
    FOR_STAFF_OUTCOMES,
    EmailSuppression,
    InboundMessage,
    Reminder,
    ReminderStatus,
)

TABS = {
    "upcoming": (
        pgettext_lazy("reminders", "Upcoming"),
        (ReminderStatus.PENDING, ReminderStatus.SENDING),
    ),
    "sent": (pgettext_lazy("reminders", "Sent"), (ReminderStatus.SENT,)),
    "failed": (pgettext_lazy("reminders", "Failed"), (ReminderStatus.FAILED,)),
    "not_sent": (
        pgettext_lazy("reminders", "Not sent"),
        (ReminderStatus.SKIPPED, ReminderStatus.CANCELLED),
    ),
}
TAB_ORDER = {
    "upcoming": ("due_at", "id"),
    "sent": ("-sent_at", "-id"),
    "failed": ("-updated_at", "-id"),
    "not_sent": ("-due_at", "-id"),
}


def reminder_list(*, tab: str, kind: str = "") -> QuerySet[Reminder]:
    """The reminders of one tab of the clinic-wide list, newest concern first."""
    reminders = Reminder.objects.filter(status__in=TABS[tab][1]).select_related("client")
    if kind:
        reminders = reminders.filter(kind=kind)
    return reminders.order_by(*TAB_ORDER[tab])


def tab_counts(*, kind: str = "") -> dict[str, int]:
    """How many reminders each tab holds (one query)."""
    reminders = Reminder.objects.all()
    if kind:
        reminders = reminders.filter(kind=kind)
    counts = reminders.aggregate(
        **{name: Count("id", filter=Q(status__in=statuses)) for name, (_, statuses) in TABS.items()}
    )
    return {name: counts[name] or 0 for name in TABS}


CLIENT_REMINDERS = 10


def client_reminders(client) -> list[Reminder]:
    """A client's latest reminders (sent, due or not sent), newest first (one query)."""
    return _CLIENT_REMINDERS.fetch(client=client.pk)


_CLIENT_REMINDERS = PreparedQuery(
    lambda: Reminder.objects.filter(client_id=Param("client", BigIntegerField())).order_by(
        "-due_at", "-id"
    )[:CLIENT_REMINDERS]
)


def failed_reminders_count() -> int:
    """How many messages failed to send and wait for someone to retry or fix them (one query)."""
    return Reminder.objects.filter(status=ReminderStatus.FAILED).count()


def failed_reminders() -> QuerySet[Reminder]:
    """Messages that failed to send, the latest failure first, with their client."""
    return (
        Reminder.objects.filter(status=ReminderStatus.FAILED)
        .select_related("client")
        .order_by("-updated_at", "-id")
    )


def email_suppression_for(address: str) -> EmailSuppression | None:
    """The block on this address while it stands (one query; none for no address)."""
    address = normalise_address(address)
    if not address:
        return None
    return _STANDING_BLOCK.first(address=address)


_STANDING_BLOCK = PreparedQuery(
    lambda: EmailSuppression.objects.filter(
        address=Param("address", CharField()), cleared_at__isnull=True
    ).order_by("pk")[:1]
)


def email_suppressions_for(addresses: Iterable[str]) -> dict[str, EmailSuppression]:
    """The standing blocks among these addresses, by lower-cased address (one query)."""
    wanted = {normalise_address(a) for a in addresses} - {""}
    if not wanted:
        return {}
    blocks = EmailSuppression.objects.filter(address__in=wanted, cleared_at__isnull=True)
    return {block.address: block for block in blocks}


def client_email_suppressions(client) -> QuerySet[EmailSuppression]:
    """Every block that concerns a client, standing or cleared: on their address now, or
    started by a message to them (an address they had before). For their export and
    erasure."""
    concerns = Q(client=client)
    if address := normalise_address(client.email):
        concerns |= Q(address=address)
    return EmailSuppression.objects.filter(concerns).order_by("since", "id")


# --- text messages received --------------------------------------------------------------

UNREAD = Q(read_at__isnull=True, outcome__in=FOR_STAFF_OUTCOMES)


def inbound_from(client) -> Q:
    """A client's text messages: those matched to them, and any from their number that
    arrived while the number was on no record."""
    return _inbound_from(client.pk, client.phone.as_e164 if client.phone else "")


def _inbound_from(client_id, phone) -> Q:
    mine = Q(client_id=client_id)
    if phone:
        mine |= Q(client__isnull=True, from_number=phone)
    return mine


CLIENT_TEXTS = 20


def client_inbound_messages(client) -> list[InboundMessage]:
    """A client's latest text messages, newest first, with who read them (one query)."""
    if client.phone:
        return _CLIENT_TEXTS_AND_NUMBER.fetch(client=client.pk, phone=client.phone.as_e164)
    return _CLIENT_TEXTS.fetch(client=client.pk)


def _client_texts(mine: Q):
    return (
        InboundMessage.objects.filter(mine)
        .select_related("read_by")
        .order_by("-received_at", "-id")[:CLIENT_TEXTS]
    )


_CLIENT = Param("client", BigIntegerField())
# inbound_from's two shapes: with the client's number, and for a client with none.
_CLIENT_TEXTS = PreparedQuery(lambda: _client_texts(_inbound_from(_CLIENT, "")))
_CLIENT_TEXTS_AND_NUMBER = PreparedQuery(
    lambda: _client_texts(_inbound_from(_CLIENT, Param("phone", CharField())))
)


def unknown_sender_messages() -> QuerySet[InboundMessage]:
    """Text messages from numbers on no client's record, newest first."""
    return (
        InboundMessage.objects.filter(client__isnull=True)
        .select_related("read_by")
        .order_by("-received_at", "-id")
    )


def clients_with_unread_messages(limit: int = 50) -> list[dict]:
    """Clients with text messages waiting to be read: how many, and the latest (one query)."""
    return list(
        InboundMessage.objects.filter(UNREAD, client__isnull=False)
        .values("client_id", "client__first_name", "client__last_name")
        .annotate(unread=Count("id"), latest=Max("received_at"))
        .order_by("-latest", "client_id")[:limit]
    )


def texts_to_read() -> QuerySet[InboundMessage]:
    """Text messages waiting for someone at the desk to read them, newest first, with their
    client (for the front desk's to-do list)."""
    return (
        InboundMessage.objects.filter(UNREAD)
        .select_related("client")
        .order_by("-received_at", "-id")
    )


def unread_messages_count() -> int:
    """Text messages waiting for someone at the desk to read them (one query)."""
    return InboundMessage.objects.filter(UNREAD).count()
