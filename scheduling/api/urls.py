"""The JSON API (namespace "api"), mounted at /api/.

/api/docs/ is DRF's browsable index, served from this app's own static files:
Swagger UI and Redoc would load their scripts from a CDN.
"""

from django.urls import path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

urlpatterns = [
    # /api/ itself opens the documentation.
    path("", RedirectView.as_view(pattern_name="api:docs"), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("v1/availability/", views.availability, name="availability"),
    path("v1/bookings/", views.bookings, name="bookings"),
    path("v1/appointments/", views.appointments, name="appointments"),
]
