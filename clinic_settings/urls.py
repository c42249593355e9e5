from django.urls import path

from . import views

app_name = "clinic_settings"

urlpatterns = [
    path("", views.index, name="index"),
    path("clinic/", views.clinic, name="clinic"),
    path("hours/", views.hours, name="hours"),
    path("hours/closed/<int:pk>/remove/", views.closed_day_remove, name="closed_day_remove"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/<int:pk>/", views.room_edit, name="room"),
    path("services/", views.services, name="services"),
    path("services/new/", views.service_edit, name="service_new"),
    path("services/<int:pk>/", views.service_edit, name="service"),
    path("rules/", views.rules, name="rules"),
    path("changes/", views.changes, name="changes"),
]
