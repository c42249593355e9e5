"""Online booking for clients, no sign-in (namespace "booking", mounted at /book/)."""

from django.urls import path

from . import public_views

app_name = "booking"

# The fixed words come first: an appointment type cannot take the slug "manage" or "confirmed".
urlpatterns = [
    path("", public_views.start, name="start"),
    path("confirmed/<str:token>/", public_views.confirmed, name="confirmed"),
    path("manage/<str:token>/", public_views.manage, name="manage"),
    path("manage/<str:token>/cancel/", public_views.manage_cancel, name="manage_cancel"),
    path(
        "manage/<str:token>/reschedule/",
        public_views.manage_reschedule,
        name="manage_reschedule",
    ),
    path(
        "manage/<str:token>/reschedule/<str:start>/",
        public_views.manage_reschedule_confirm,
        name="manage_reschedule_confirm",
    ),
    path("<slug:type_slug>/", public_views.times, name="times"),
    path("<slug:type_slug>/<str:start>/", public_views.details, name="details"),
]
