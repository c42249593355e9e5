"""Claiming due reminders and sending them, exactly once as far as the database can tell.

How a reminder goes out:

1. **Claim.** In one short transaction the dispatcher marks a batch of due rows
   `sending`, with a fresh claim token and a lease (default 5 minutes). On
   PostgreSQL the rows are picked with `SELECT … FOR UPDATE SKIP LOCKED`, so two
   dispatchers running at once take different rows; on SQLite the write lock
   makes the conditional UPDATE atomic. Rows whose lease ran out (their worker
   died) are due again.
2. **Send.** Each claimed row is composed and delivered; right after the
   provider takes it, the row is marked `sent` — but only if it still carries
   this claim's token, so a dispatcher whose lease ran out cannot overwrite
   what another one did.
3. **Outcome.** A failure goes back to `pending` with a growing delay, and
   after the clinic's maximum attempts ends as `failed`, shown to staff with
   the error and a retry button. A message that is no longer wanted (client
   opted out, next session already booked…) ends as `skipped` with the reason.

The one window where a message can go twice: the provider has accepted it and
the process dies before the `sent` update commits. The lease then runs out and
another dispatcher sends it again. The window is kept to a single UPDATE by
marking each row the moment its send returns (never at the end of a batch),
and the reminder's id goes to the provider as its reference
(`X-Reminder-Reference` / the SMS reference) so a provider with idempotency
keys can drop the repeat. (A crash of the database server itself, rarer, can
lose the marks of its last fraction of a second: see `_dispatcher_session`.)

A sent email records the provider's id of the message; what the provider later
reports of it (delivered, bounced, marked as spam) is reminders.deliverability's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
import uuid

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import channels, selectors
from .models import MessageTemplate, Reminder, ReminderSettings, ReminderStatus, default_lease

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# Seconds to wait before the next attempt, by attempts made so far.
BACKOFF_SECONDS = (60, 5 * 60, 15 * 60, 60 * 60, 4 * 60 * 60)


def _due(now: dt.datetime) -> Q:
    return Q(status=ReminderStatus.PENDING, due_at__lte=now) | Q(
        status=ReminderStatus.SENDING, lease_expires_at__lte=now
    )


def _claim_values(token: str, now: dt.datetime) -> dict:
    return {
        "status": ReminderStatus.SENDING,
        "claim_token": token,
        "lease_expires_at": now + default_lease(),
        "attempts": F("attempts") + 1,
        "updated_at": now,
    }


def claim_due(limit: int = BATCH_SIZE, *, now: dt.datetime | None = None) -> tuple[str, list[int]]:
    """Claim up to `limit` due reminders for this dispatcher: (claim token, their ids)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = Reminder.objects.filter(_due(now)).order_by("due_at", "pk")
        if connection.vendor == "postgresql":
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            Reminder.objects.filter(pk__in=ids).update(**_claim_values(token, now))
        else:
            # SQLite: the UPDATE re-checks "still due" under the write lock, so a row
            # another dispatcher took in between is left alone.
            candidates = list(due.values_list("pk", flat=True)[:limit])
            Reminder.objects.filter(_due(now), pk__in=candidates).update(
                **_claim_values(token, now)
            )
            ids = list(
                Reminder.objects.filter(claim_token=token, status=ReminderStatus.SENDING)
                .order_by("due_at", "pk")
                .values_list("pk", flat=True)
            )
    return token, ids


def claim_one(reminder_id: int, *, now: dt.datetime | None = None) -> str | None:
    """Claim one reminder if it is due and nobody holds it; its claim token, or None."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = Reminder.objects.filter(_due(now), pk=reminder_id).update(**_claim_values(token, now))
    return token if claimed else None


def _finish(reminder_id: int, token: str, **values) -> bool:
    """Record an outcome, only if this claim still holds the row.

    The claim token alone says so: a claim sets it together with `sending`, and
    every end of a claim (an outcome, a release, a staff retry) clears it. The row
    is found by its primary key: a filter on the status too let the planner walk the
    status index through every row of the batch still `sending` (and their dead
    versions) for each message, a cost that grew with the batch.
    """
    values.setdefault("updated_at", timezone.now())
    return bool(
        Reminder.objects.filter(pk=reminder_id, claim_token=token).update(
            claim_token="", lease_expires_at=None, **values
        )
    )


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])


RELATED = (
    "client",
    "appointment__type",
    "appointment__artist",
    "appointment__room",
    "appointment__consultation",
    "plan",
    "session",
    "consultation",
)


def send_claimed(reminder_id: int, token: str, *, rules: ReminderSettings | None = None) -> str:
    """Send one claimed reminder and record the outcome. Returns the status it ended in."""
    reminder = (
        Reminder.objects.select_related(*RELATED)
        .filter(pk=reminder_id, claim_token=token, status=ReminderStatus.SENDING)
        .first()
    )
    if reminder is None:
        return "lost"  # the lease ran out and someone else has it now
    return _send(reminder, token, rules or ReminderSettings.current())


# Apps that attach something to a batch's messages prepare it here in one query per
# batch (the diary numbers its calendar files), instead of one query per message.
_batch_preparers: list = []


def register_batch_preparer(fn) -> None:
    """Register `fn(reminders)`, called with each claimed batch before it is sent."""
    if fn not in _batch_preparers:
        _batch_preparers.append(fn)


def _prepare(batch: list[Reminder]) -> None:
    for prepare in _batch_preparers:
        prepare(batch)


def _send(
    reminder: Reminder,
    token: str,
    rules: ReminderSettings,
    composer=None,
    blocked: dict | None = None,
    email_connection=None,
) -> str:
    """Send one claimed reminder and record the outcome. In a batch, `composer` (a
    wording.Composer) and `email_connection` are the batch's, shared by its messages."""
    from . import wording

    reminder_id = reminder.pk
    now = timezone.now()
    try:
        channel, address = channels.choose(reminder, blocked)
        held_until = channels.quiet_until(channel, now, rules)
        if held_until is not None:
            # Quiet hours: back in the queue until morning; not a failed attempt.
            _finish(
                reminder_id,
                token,
                status=ReminderStatus.PENDING,
                due_at=held_until,
                attempts=F("attempts") - 1,
            )
            return ReminderStatus.PENDING
        composed = (composer or wording.Composer()).compose(reminder)
        message_id = channels.deliver(
            channel, address, composed, reminder, connection=email_connection
        )
    except (channels.NoRecipient, wording.NotWanted) as reason:
        _finish(reminder_id, token, status=ReminderStatus.SKIPPED, last_error=str(reason)[:1000])
        return ReminderStatus.SKIPPED
    except Exception as error:  # noqa: BLE001 - any failure is recorded, never lost
        retry = getattr(error, "retry", True)
        detail = str(error) or error.__class__.__name__
        if not isinstance(error, channels.DeliveryFailed):
            logger.exception("Reminder %s could not be composed or sent", reminder_id)
            detail = f"{error.__class__.__name__}: {detail}"
        if retry and reminder.attempts < rules.max_attempts:
            _finish(
                reminder_id,
                token,
                status=ReminderStatus.PENDING,
                due_at=now + _backoff(reminder.attempts),
                last_error=detail[:1000],
            )
            return ReminderStatus.PENDING
        _finish(reminder_id, token, status=ReminderStatus.FAILED, last_error=detail[:1000])
        return ReminderStatus.FAILED
    # The email provider's id of the message: its delivery reports name it.
    _mark_sent(reminder_id, token, channel=channel, address=address, message_id=message_id)
    return ReminderStatus.SENT


_MARK_SENT_COLUMNS = (
    "status",
    "channel",
    "sent_to",
    "sent_at",
    "last_error",
    "provider_message_id",
    "updated_at",
    "claim_token",
    "lease_expires_at",
)
_MARK_SENT_PARAMETERS = len(_MARK_SENT_COLUMNS) + 2  # and the row's id and claim token
# What the "sent" mark is prepared under in a PostgreSQL session while a dispatcher runs
# (a name of its own each run): the statement that starts it.
MARK_SENT_STATEMENT = "reminders_reminder_sent"


def _mark_sent_sql(placeholders=None) -> str:
    columns = {field.name: field.column for field in Reminder._meta.concrete_fields}
    quote = connection.ops.quote_name
    placeholders = placeholders or ["%s"] * _MARK_SENT_PARAMETERS
    assigned = ", ".join(
        f"{quote(columns[name])} = {placeholder}"
        for name, placeholder in zip(_MARK_SENT_COLUMNS, placeholders, strict=False)
    )
    row, claim = placeholders[-2:]
    return (
        # Only the model's own table and column names, quoted; every value is a parameter.
        f"UPDATE {quote(Reminder._meta.db_table)} SET {assigned} "  # noqa: S608
        f"WHERE {quote(columns['id'])} = {row} AND {quote(columns['claim_token'])} = {claim}"
    )


# While a dispatcher runs on PostgreSQL: `prepared` is (psycopg's connection, name) of
# the session that holds the prepared "sent" mark.
_session = threading.local()


def _prepared_mark() -> str | None:
    prepared = getattr(_session, "prepared", None)
    if prepared is not None and prepared[0] is connection.connection:
        return prepared[1]
    return None


def _mark_sent(
    reminder_id: int, token: str, *, channel: str, address: str, message_id: str
) -> bool:
    """_finish() for the commonest outcome, a message sent: the same UPDATE, written once
    instead of built by the ORM for every message (a fifth of a reminder's cost). While the
    dispatcher runs on PostgreSQL, its session has it prepared (see _dispatcher_session):
    the server then neither parses nor plans it again for each message."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        prepared = _prepared_mark()
        cursor.execute(
            (
                f"EXECUTE {prepared}({', '.join(['%s'] * _MARK_SENT_PARAMETERS)})"
                if prepared
                else _mark_sent_sql()
            ),
            [
                ReminderStatus.SENT,
                channel,
                address[:254],
                now,
                "",
                message_id[:200],
                now,
                "",
                None,
                reminder_id,
                token,
            ],
        )
        return cursor.rowcount == 1


def _release(ids: list[int], token: str) -> None:
    """Give back claimed rows this dispatcher will not get to (its lease is nearly over)."""
    Reminder.objects.filter(pk__in=ids, claim_token=token, status=ReminderStatus.SENDING).update(
        status=ReminderStatus.PENDING,
        claim_token="",
        lease_expires_at=None,
        attempts=F("attempts") - 1,
        updated_at=timezone.now(),
    )


def send_now(reminder_id: int) -> bool:
    """Send one reminder if it is due and unclaimed (the hand-off right after a booking)."""
    token = claim_one(reminder_id)
    if token is None:
        return False
    return send_claimed(reminder_id, token) == ReminderStatus.SENT


def dispatch_due(*, max_seconds: float = 50.0, batch_size: int = BATCH_SIZE) -> int:
    """Claim and send due reminders batch after batch, for at most `max_seconds`.

    Returns how many were sent. Several dispatchers may run at once (two workers,
    or a run that overlaps the next minute's): each claims different rows. A batch
    is loaded in one query; a dispatcher that falls behind its lease (a very slow
    mail server) gives the rest of its batch back rather than risk a second sender.
    """
    with _dispatcher_session():
        return _dispatch_batches(max_seconds, batch_size)


@contextlib.contextmanager
def _dispatcher_session():
    """While the dispatcher runs, PostgreSQL confirms its commits before flushing them,
    and keeps the "sent" mark prepared (parsed and planned once for the run).

    Each "sent" mark commits on its own, the moment its message is out; waiting for
    the disk flush of each was most of a reminder's cost (2–3 ms on a busy machine).
    A committed mark is at once visible to every other dispatcher, and survives the
    dispatcher dying, so the guarantee the fault tests prove stands. Only a crash of
    the database server itself can lose the marks of its last fraction of a second
    (wal_writer_delay × 3), and those messages would go again once their lease runs
    out: the same trade as SQLite's `synchronous=NORMAL` here. The setting and the
    prepared statement are the session's, and both go when the run ends. Should the
    connection be replaced during the run, the mark is written in full again.
    """
    if connection.vendor != "postgresql":
        yield
        return
    before = getattr(_session, "prepared", None)
    # Not behind a pooler that cannot keep prepared statements (settings.py).
    name = (
        f"{MARK_SENT_STATEMENT}_{uuid.uuid4().hex}"
        if settings.DATABASE_PREPARED_STATEMENTS
        else None
    )
    placeholders = [f"${n}" for n in range(1, _MARK_SENT_PARAMETERS + 1)]
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
        if name:
            cursor.execute(f"PREPARE {name} AS {_mark_sent_sql(placeholders)}")
    _session.prepared = (connection.connection, name) if name else None
    try:
        yield
    finally:
        _session.prepared = before
        try:
            with connection.cursor() as cursor:
                if name:
                    cursor.execute(f"DEALLOCATE {name}")
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            connection.close()  # a broken session goes, and its settings with it


def _dispatch_batches(max_seconds: float, batch_size: int) -> int:
    started = time.monotonic()
    from .wording import Composer

    rules = ReminderSettings.current()
    templates = {t.kind: t for t in MessageTemplate.objects.prefetch_related("translations")}
    lease = default_lease().total_seconds()
    sent = 0
    while time.monotonic() - started < max_seconds:
        token, ids = claim_due(batch_size)
        if not ids:
            break
        claimed_at = time.monotonic()
        batch = list(
            Reminder.objects.select_related(*RELATED).filter(pk__in=ids).order_by("due_at", "pk")
        )
        _prepare(batch)
        # Addresses that bounce, for the whole batch in one query (reminders.channels).
        blocked = selectors.email_suppressions_for(r.client.email for r in batch)
        # What the batch's messages share is composed once (reminders.wording.Composer),
        # and its emails go through one connection to the email backend.
        composer = Composer(templates, batch=True)
        with channels.email_connection() as email_connection:
            for position, reminder in enumerate(batch):
                if position and time.monotonic() - claimed_at > lease * 0.8:
                    _release([r.pk for r in batch[position:]], token)
                    break
                outcome = _send(reminder, token, rules, composer, blocked, email_connection)
                if outcome == ReminderStatus.SENT:
                    sent += 1
    return sent
