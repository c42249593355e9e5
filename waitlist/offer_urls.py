from django.urls import path

from . import offer_views

app_name = "waitlist_offer"

urlpatterns = [
    path("<str:token>/", offer_views.claim, name="claim"),
]
