"""The clinic's figures (namespace "reports"), under /reports/."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("utilisation/", views.utilisation, name="utilisation"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("money/", views.money, name="money"),
    path("conversion/<slug:step>/", views.conversion_step, name="conversion_step"),
]
