"""The client portal (namespace "portal"), under /portal/.

PORTAL_OBJECT_URLS lists every portal address that names an object, with how to
build its arguments from another client's objects: portal/tests/test_isolation.py
opens each of them as client A with client B's objects and expects 404 every time,
and fails when a new address with an argument is missing from the list.
"""

from django.urls import include, path

from . import signin_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", signin_views.signin_start, name="signin"),
    path("sign-in/<str:token>/", signin_views.signin_link, name="signin_link"),
    path("password/", views.set_password, name="set_password"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/<int:pk>.ics", views.appointment_ics, name="appointment_ics"),
    path("appointments/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path(
        "appointments/<int:pk>/reschedule/<str:start>/",
        views.reschedule_confirm,
        name="reschedule_confirm",
    ),
    path("appointments/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("book-next/", views.book_next, name="book_next"),
    path("book-next/<str:start>/", views.book_next_confirm, name="book_next_confirm"),
    path("aftercare/", views.aftercare, name="aftercare"),
    path("check-ins/", views.check_ins, name="check_ins"),
    path("forms/", views.forms_page, name="forms"),
    path("forms/hairline/<int:pk>/", views.hairline, name="hairline"),
    path("payments/", views.payments, name="payments"),
    path("waitlist/", views.waitlist, name="waitlist"),
    path("waitlist/<int:pk>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("payments/pay/", views.pay_balance, name="pay_balance"),
    path("payments/<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("my-data/", include("portal.data_urls")),
]

# Every address naming an object -> how to build its kwargs from the other client's
# objects (`objs.appointment`, `objs.hairline_design`, `objs.start`).
PORTAL_OBJECT_URLS = {
    "appointment_ics": lambda objs: {"pk": objs.appointment.pk},
    "reschedule": lambda objs: {"pk": objs.appointment.pk},
    "reschedule_confirm": lambda objs: {"pk": objs.appointment.pk, "start": objs.start},
    "cancel": lambda objs: {"pk": objs.appointment.pk},
    "hairline": lambda objs: {"pk": objs.hairline_design.pk},
    "receipt": lambda objs: {"pk": objs.payment.pk},
    "waitlist_leave": lambda objs: {"pk": objs.waitlist_entry.pk},
}

# Addresses whose argument is not an object id, and why they need no isolation walk.
PORTAL_NON_OBJECT_URLS = {
    "signin_link": "a one-time token; it signs in whoever it was sent to",
    "book_next_confirm": "a time; the session booked is always the signed-in client's own",
}
