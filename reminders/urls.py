from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("<int:pk>/retry/", views.reminder_retry, name="retry"),
    path("email-blocks/<int:pk>/clear/", views.email_block_clear, name="email_block_clear"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
]
