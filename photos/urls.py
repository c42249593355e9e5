"""Photo upload and the only way photos are served (namespace "photos")."""

app_name = "photos"

urlpatterns: list = []
