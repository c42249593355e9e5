"""Staff pages for check-ins and proposals (namespace "aftercare"), under /aftercare/."""

from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("", views.index, name="index"),
    path("check-ins/", views.check_in_queue, name="queue"),
    path("check-ins/<int:pk>/", views.check_in_review, name="review"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/handled/", views.proposal_handled, name="proposal_handled"),
]
