"""Treatment plans, session logs and progress (namespace "sessions_app")."""

from django.urls import path

from . import views

app_name = "sessions_app"

urlpatterns = [
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
]
