"""The confirm link in reminders (namespace "confirm"); its address is in messages already sent."""

from django.urls import path

from . import confirm_views

app_name = "confirm"

urlpatterns = [
    path("<str:token>/", confirm_views.confirm, name="appointment"),
]
