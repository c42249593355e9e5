"""Staff diary pages (namespace "scheduling")."""

from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment_detail"),
]
