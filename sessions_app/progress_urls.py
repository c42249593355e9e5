"""The progress view artists show clients (namespace "progress")."""

from django.urls import path

from . import progress_views

app_name = "progress"

urlpatterns = [
    path("plans/<int:plan_pk>/", progress_views.plan_progress_view, name="plan"),
]
