"""The manager's portal setting (notice for changes). Sign-in links are not shown:
they are short-lived secrets, and the table holds only their hashes."""

from django.contrib import admin

from smpclinic.admin import SingleRowAdmin

from .models import PortalSettings


@admin.register(PortalSettings)
class PortalSettingsAdmin(SingleRowAdmin):
    fields = ("change_notice_hours",)
