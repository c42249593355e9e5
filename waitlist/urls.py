"""The waitlist for staff (namespace "waitlist"), under /waitlist/."""

from django.urls import path

from . import views

app_name = "waitlist"

urlpatterns = [
    path("", views.waitlist, name="list"),
    path("add/<int:client_pk>/", views.add, name="add"),
    path("entries/<int:pk>/remove/", views.remove, name="remove"),
    path("freed/<int:pk>/", views.freed_time, name="freed"),
    path("freed/<int:pk>/offer/", views.offer, name="offer"),
]
