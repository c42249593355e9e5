from django.urls import path

from . import settings_views

app_name = "form_settings"

urlpatterns = [
    path("", settings_views.forms_index, name="index"),
    path("questionnaire/", settings_views.questionnaire_settings, name="questionnaire"),
    path(
        "questionnaire/draft/",
        settings_views.questionnaire_draft_start,
        name="questionnaire_draft",
    ),
    path(
        "questionnaire/publish/",
        settings_views.questionnaire_publish,
        name="questionnaire_publish",
    ),
    path("consent/<slug:slug>/", settings_views.consent_settings, name="consent"),
    path("consent/<slug:slug>/draft/", settings_views.consent_draft_start, name="consent_draft"),
    path("consent/<slug:slug>/publish/", settings_views.consent_publish, name="consent_publish"),
]
