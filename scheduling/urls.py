"""Staff diary pages (namespace "scheduling", mounted at /diary/)."""

import datetime as dt

from django.urls import path, register_converter

from . import views
from .availability import within_diary


class DiaryDateConverter:
    """A calendar date in the URL, like 2027-03-01; an impossible date is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        day = dt.date.fromisoformat(value)  # ValueError means "no such page"
        if not within_diary(day):
            raise ValueError(value)
        return day

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


register_converter(DiaryDateConverter, "diary_date")

app_name = "scheduling"

urlpatterns = [
    path("", views.diary_home, name="home"),
    path("day/<diary_date:day>/", views.day_view, name="day"),
    path("week/", views.week_current, name="week_current"),
    path("week/<diary_date:day>/", views.week_view, name="week"),
    path("book/", views.book, name="book"),
    path("book/clients/", views.client_picker, name="client_picker"),
    path("book/free-times/", views.free_times, name="free_times"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/move/", views.appointment_move, name="move"),
    path("appointments/<int:pk>/drop/", views.appointment_drop, name="drop"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="cancel"),
    path("appointments/<int:pk>/status/", views.appointment_status, name="set_status"),
]
