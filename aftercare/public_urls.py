"""The client's check-in pages (namespace "check_in"), under /check-in/."""

from django.urls import path

from . import public_views

app_name = "check_in"

urlpatterns = [
    # Before the token patterns: a signed token always contains ":", never "mine".
    path("mine/<int:pk>/", public_views.my_check_in, name="mine"),
    path("mine/<int:pk>/thanks/", public_views.my_check_in_thanks, name="mine_thanks"),
    path("<str:token>/", public_views.check_in_form, name="form"),
    path("<str:token>/thanks/", public_views.check_in_thanks, name="thanks"),
]
