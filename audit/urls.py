from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("clients/<int:pk>/", views.client_trail, name="client"),
    path("staff/<int:user_pk>/", views.staff_trail, name="staff"),
]
