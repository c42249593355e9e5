from django.urls import path

from . import settings_views

app_name = "aftercare_settings"

urlpatterns = [
    path("", settings_views.instructions, name="instructions"),
]
