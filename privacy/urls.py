from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.my_data, name="mine"),
    path("download/", views.my_data_download, name="download"),
    path("erase/", views.my_data_erase, name="erase"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("clients/<int:client_pk>/download/", views.client_download, name="client_download"),
]
