from django.contrib import admin

from smpclinic.admin import SingleRowAdmin

from .models import WaitlistSettings


@admin.register(WaitlistSettings)
class WaitlistSettingsAdmin(SingleRowAdmin):
    """How a freed time is offered: how long an offer stands, to how many at once, in what
    order. The waitlist itself is kept on its own page (/waitlist/)."""

    fieldsets = (("Offering a freed time", {"fields": ("offer_hours", "offers_at_once", "order")}),)
