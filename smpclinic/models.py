"""Model pieces shared by the apps."""

from django.db import models


class SingleRowSettings(models.Model):
    """Clinic-wide settings kept in one row (pk 1), edited by the manager in the admin
    (see smpclinic.admin.SingleRowAdmin); `current()` makes it on first use."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls):
        row, _ = cls.objects.get_or_create(pk=1)
        return row
