"""Calendar files: one appointment's .ics and each artist's private feed (namespace "ics")."""

app_name = "ics"

urlpatterns: list = []
