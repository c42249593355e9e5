from django.contrib import admin

from smpclinic.admin import SingleRowAdmin

from .models import PrivacySettings


@admin.register(PrivacySettings)
class PrivacySettingsAdmin(SingleRowAdmin):
    fields = ["retention_years"]
