"""The addresses Twilio calls (namespace "sms_twilio"): give Twilio <SITE_URL>/sms/twilio/inbound/
as the number's "A message comes in" webhook; the status address goes with each message."""

from django.urls import path

from . import twilio_views

app_name = "sms_twilio"

urlpatterns = [
    path("status/", twilio_views.status_callback, name="status"),
    path("inbound/", twilio_views.inbound, name="inbound"),
]
