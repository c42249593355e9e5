"""The JSON API (namespace "api"), mounted at /api/."""

app_name = "api"

urlpatterns: list = []
