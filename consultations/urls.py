"""The consultation record (namespace "consultations")."""

from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/review/", views.review_sign_off, name="review"),
    path("<int:pk>/patch-tests/", views.patch_test_add, name="patch_test_add"),
    path("<int:pk>/patch-tests/<int:test_pk>/read/", views.patch_test_read, name="patch_test_read"),
    path("<int:pk>/hairline/", views.hairline_add, name="hairline_add"),
    path(
        "<int:pk>/hairline/<int:design_pk>/approve/",
        views.hairline_approve,
        name="hairline_approve",
    ),
    path("<int:pk>/references/", views.references_add, name="references_add"),
    path("<int:pk>/estimate/", views.estimate, name="estimate"),
    path("<int:pk>/estimate/send/", views.estimate_send, name="estimate_send"),
    path("<int:pk>/forms-link/", views.forms_link_send, name="forms_link_send"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
    path("<int:pk>/first-session/", views.book_first_session, name="book_first_session"),
]
