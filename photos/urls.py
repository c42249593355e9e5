"""Photo upload and the only way photos are served (namespace "photos")."""

from django.urls import path

from . import views

app_name = "photos"

urlpatterns = [
    path("upload/<int:client_pk>/", views.photo_upload, name="upload"),
    path("<int:pk>/<str:size>/", views.photo_image, name="image"),
]
