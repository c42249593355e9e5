"""Online booking for clients, no sign-in (namespace "booking", mounted at /book/)."""

app_name = "booking"

urlpatterns: list = []
