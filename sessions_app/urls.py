"""Treatment plans, session logs and progress (namespace "sessions_app")."""

from django.urls import path

from . import views

app_name = "sessions_app"

urlpatterns = [
    path("clients/<int:client_pk>/plans/new/", views.plan_create, name="plan_create"),
    path("to-chase/", views.to_chase, name="to_chase"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/status/", views.plan_status, name="plan_status"),
    path("plans/<int:pk>/extra-session/", views.plan_add_extra, name="plan_add_extra"),
    path("plans/<int:pk>/touch-up/", views.plan_add_touch_up, name="plan_add_touch_up"),
    path("plans/<int:pk>/book-remaining/", views.book_remaining, name="book_remaining"),
    path("sessions/<int:pk>/book/", views.session_book, name="session_book"),
    path("sessions/<int:pk>/log/", views.session_log, name="session_log"),
    path("sessions/<int:pk>/healing/", views.session_healing, name="session_healing"),
]
