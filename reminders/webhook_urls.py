"""The email provider's delivery reports (anymail's tracking webhook), under /anymail/."""

from django.urls import path

from . import views

app_name = "email_webhooks"

urlpatterns = [
    # anymail's own address for each provider, e.g. /anymail/postmark/tracking/.
    path("<slug:provider>/tracking/", views.email_tracking_webhook, name="tracking"),
]
