from django.urls import path

from . import takings_views

app_name = "billing_takings"

urlpatterns = [path("", takings_views.takings_page, name="takings")]
