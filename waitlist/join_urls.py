from django.urls import path

from . import join_views

app_name = "waitlist_join"

urlpatterns = [
    path("<slug:type_slug>/", join_views.join, name="join"),
]
