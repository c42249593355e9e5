from django.urls import path

from . import settings_views

app_name = "message_settings"

urlpatterns = [
    path("", settings_views.message_list, name="list"),
    path("<slug:kind>/", settings_views.message_edit, name="edit"),
    path("<slug:kind>/preview/", settings_views.message_preview, name="preview"),
    path("<slug:kind>/restore/", settings_views.message_restore, name="restore"),
]
