"""Calendar files: one appointment's .ics and each artist's private feed (namespace "ics")."""

from django.urls import path

from . import ics_views

app_name = "ics"

urlpatterns = [
    path("appointments/<int:pk>.ics", ics_views.appointment_ics, name="appointment"),
    path("manage/<str:token>.ics", ics_views.manage_appointment_ics, name="manage_appointment"),
    path("feeds/<str:token>.ics", ics_views.artist_feed, name="artist_feed"),
    path("my-feed/", ics_views.my_feed, name="my_feed"),
]
