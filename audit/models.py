"""The two kinds of audit row: a change (django-auditlog's log entry, with the client it
concerns) and a view (a member of staff opening a page that shows a health record).

Rows are only ever inserted: no view writes them, and the admin shows them read-only.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models


class ChangeEntryManager(LogEntryManager):
    """auditlog's manager, which also notes the client each change concerns.

    The client is worked out when the change is written, not when the trail is read:
    by then the changed row may be gone (a deleted photo, a removed region), and the
    trail must still show it under the right client.
    """

    def log_create(self, instance, force_log: bool = False, **kwargs):
        from .registry import client_pk_for

        kwargs.setdefault("client_pk", client_pk_for(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        from .registry import client_pk_for

        kwargs.setdefault("client_pk", client_pk_for(instance))
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


class ChangeEntry(AbstractLogEntry):
    """One create, update or delete of an audited record (AUDITLOG_LOGENTRY_MODEL).

    `actor` is empty for changes made outside a request (Celery tasks, commands): the
    trail shows them as made by the system. `changes` holds {field: [before, after]}.
    """

    # A plain number, not a foreign key: the entries outlive the client's record (an
    # erased client's trail still says who changed what), and the deletes of a client's
    # records are logged in the same transaction that deletes the client.
    client_pk = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = ChangeEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "change"
        verbose_name_plural = "changes"
        indexes = [
            models.Index(fields=["client_pk", "-timestamp"], name="audit_change_client"),
            models.Index(fields=["actor", "-timestamp"], name="audit_change_actor"),
        ]


class RecordView(models.Model):
    """Someone opened a page (or a file) showing part of a client's health record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # SET_NULL keeps the row when a client's record is erased: who looked stays known.
    client = models.ForeignKey(
        "clients.Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    what = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "record view"
        indexes = [
            models.Index(fields=["client", "-at"], name="audit_view_client"),
            models.Index(fields=["user", "-at"], name="audit_view_user"),
        ]

    def __str__(self):
        return f"{self.what} {self.object_id or ''} viewed by user {self.user_id} at {self.at:%c}"
