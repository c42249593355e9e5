from django.contrib import admin
from django.urls import include, path

import scheduling.urls  # noqa: F401 - registers the diary's date converter used below

from . import js_catalog, metrics, views

handler500 = "smpclinic.views.server_error"

admin.site.site_header = "SMP Clinic settings"
admin.site.site_title = "SMP Clinic settings"
admin.site.index_title = "Clinic settings"

urlpatterns = [
    path("", views.home, name="home"),
    # For a monitor: database, broker, reminders on time.
    path("healthz", views.healthz, name="healthz"),
    # For a load balancer (database only) and a process supervisor (the process answers).
    path("readyz", views.readyz, name="readyz"),
    path("livez", views.livez, name="livez"),
    path("metrics", metrics.metrics, name="metrics"),
    # The texts of our scripts, per language (served as a script: CSP allows only our own).
    path(
        "jsi18n/<str:language>.js",
        js_catalog.javascript_catalog,
        name="javascript-catalog",
    ),
    path("clinic/logo/<int:version>.png", views.clinic_logo, name="clinic_logo"),
    path("settings/", include("clinic_settings.urls")),
    path("accounts/", include("accounts.urls")),
    path("clients/", include("clients.urls")),
    # An artist's day on paper: what the diary shows, with what other apps know of it.
    path("diary/sheet/<diary_date:day>/", views.day_sheet, name="day_sheet"),
    path("diary/", include("scheduling.urls")),
    path("treatment/", include("sessions_app.urls")),
    path("progress/", include("sessions_app.progress_urls")),
    path("photos/", include("photos.urls")),
    path("consultations/", include("consultations.urls")),
    path("aftercare/", include("aftercare.urls")),
    path("check-in/", include("aftercare.public_urls")),
    path("book/", include("scheduling.public_urls")),
    path("consultation-forms/", include("consultations.forms_urls")),
    path("ics/", include("scheduling.ics_urls")),
    path("api/", include("scheduling.api.urls")),
    path("reminders/confirm/", include("scheduling.confirm_urls")),
    path("reminders/", include("reminders.urls")),
    # The email provider's delivery reports (bounces, complaints, deliveries).
    path("anymail/", include("reminders.webhook_urls")),
    # Twilio's delivery reports and clients' text messages (signed by Twilio).
    path("sms/twilio/", include("reminders.twilio_urls")),
    path("portal/", include("portal.urls")),
    path("my-data/", include("privacy.urls")),
    path("audit/", include("audit.urls")),
    path("reports/", include("reports.urls")),
    path("money/takings/", include("billing.takings_urls")),
    path("money/prices/", include("billing.settings_urls")),
    path("money/", include("billing.staff_urls")),
    path("settings/messages/", include("reminders.settings_urls")),
    path("settings/forms/", include("consultations.settings_urls")),
    path("settings/aftercare/", include("aftercare.settings_urls")),
    path("pay/", include("billing.online_urls")),
    path("waitlist/offer/", include("waitlist.offer_urls")),
    path("waitlist/join/", include("waitlist.join_urls")),
    path("waitlist/", include("waitlist.urls")),
    # Settings → Team: people (accounts) and their hours, time off and services (the diary).
    path("settings/team/", include("accounts.team_urls")),
    path("settings/", include("scheduling.team_urls")),
    path("admin/", admin.site.urls),
]
