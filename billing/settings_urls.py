from django.urls import path

from . import settings_views

app_name = "billing_settings"

urlpatterns = [
    path("", settings_views.prices, name="prices"),
    path("cancellation-policy/", settings_views.policy, name="policy"),
]
