"""The progress view artists show clients (namespace "progress")."""

app_name = "progress"

urlpatterns: list = []
