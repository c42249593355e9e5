"""The client's consultation forms: by private link, by the signed-in client, on the tablet."""

from django.urls import path

from . import forms_views as views

app_name = "consultation_forms"

urlpatterns = [
    # The signed-in client's own consultation.
    path("mine/<int:consultation_pk>/", views.overview.mine, name="mine_overview"),
    path(
        "mine/<int:consultation_pk>/questionnaire/",
        views.questionnaire.mine,
        name="mine_questionnaire",
    ),
    path(
        "mine/<int:consultation_pk>/consent/<int:version_pk>/",
        views.consent.mine,
        name="mine_consent",
    ),
    path("mine/<int:consultation_pk>/done/", views.done.mine, name="mine_done"),
    path(
        "mine/<int:consultation_pk>/signed/<int:signature_pk>/pdf/",
        views.signature_pdf.mine,
        name="mine_signed_pdf",
    ),
    # Staff hand the clinic's tablet to the client.
    path("tablet/<int:consultation_pk>/", views.tablet_start, name="tablet_start"),
    # A signed consent form, for staff and the client who signed it.
    path("signed/<int:signature_pk>/", views.signature_detail, name="signature"),
    path("signed/<int:signature_pk>/pdf/", views.signature_download, name="signature_pdf"),
    # The private link.
    path("<str:token>/", views.overview, name="overview"),
    path("<str:token>/questionnaire/", views.questionnaire, name="questionnaire"),
    path("<str:token>/consent/<int:version_pk>/", views.consent, name="consent"),
    path("<str:token>/done/", views.done, name="done"),
    path(
        "<str:token>/signed/<int:signature_pk>/pdf/",
        views.signature_pdf,
        name="signed_pdf",
    ),
]
