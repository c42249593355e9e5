from django.urls import path

from . import team_views

app_name = "staff_hours"

# Mounted at settings/: the manager's pages sit beside accounts' team pages.
urlpatterns = [
    path("team/<int:pk>/hours/", team_views.member_hours, name="member_hours"),
    path("team/time-off/<int:pk>/approve/", team_views.time_off_approve, name="time_off_approve"),
    path("team/time-off/<int:pk>/decline/", team_views.time_off_decline, name="time_off_decline"),
    path("team/time-off/<int:pk>/remove/", team_views.time_off_remove, name="time_off_remove"),
    path("my-hours/", team_views.my_hours, name="my_hours"),
    path(
        "my-hours/time-off/<int:pk>/withdraw/",
        team_views.my_time_off_withdraw,
        name="my_time_off_withdraw",
    ),
]
