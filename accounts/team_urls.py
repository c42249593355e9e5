from django.urls import path

from . import team_views

app_name = "team"

urlpatterns = [
    path("", team_views.team_list, name="list"),
    path("invite/", team_views.invite, name="invite"),
    path("<int:pk>/", team_views.member, name="member"),
    path("<int:pk>/role/", team_views.role_change, name="role"),
    path("<int:pk>/deactivate/", team_views.deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", team_views.reactivate, name="reactivate"),
    path("<int:pk>/invitation/resend/", team_views.invitation_resend, name="invitation_resend"),
    path("<int:pk>/invitation/cancel/", team_views.invitation_cancel, name="invitation_cancel"),
]
