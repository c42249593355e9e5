from django.urls import path, re_path

from . import staff_views

app_name = "billing"

urlpatterns = [
    path("clients/<int:client_pk>/", staff_views.account, name="account"),
    re_path(
        r"^clients/(?P<client_pk>[0-9]+)/(?P<what>payment|charge|refund|credit)/$",
        staff_views.record,
        name="record",
    ),
    path("entries/<int:pk>/withdraw/", staff_views.withdraw, name="withdraw"),
    path("entries/<int:pk>/receipt.pdf", staff_views.receipt, name="receipt"),
    re_path(
        r"^deposits/(?P<pk>[0-9]+)/(?P<action>take|waive|return|keep)/$",
        staff_views.deposit_action,
        name="deposit_action",
    ),
]
