from django.urls import path

from . import online_views

app_name = "billing_online"

urlpatterns = [
    path("deposit/<str:token>/", online_views.pay_deposit, name="pay_deposit"),
    path("deposit/<str:token>/done/", online_views.paid, name="paid"),
    path("webhook/", online_views.webhook, name="webhook"),
]
