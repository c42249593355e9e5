"""get_<field>_display() says what Django's own says, in the reader's language."""

import pytest
from django.db import models
from django.utils import translation

from consultations.models import Consultation
from photos.models import Photo
from scheduling.models import Appointment, AppointmentStatus


def djangos_own(instance, field_name: str):
    return models.Model._get_FIELD_display(instance, instance._meta.get_field(field_name))


@pytest.mark.parametrize("language", ["en-gb", "en-us", "es"])
def test_every_status_reads_as_django_would_say_it(language):
    appointment = Appointment()
    with translation.override(language):
        for value, _label in AppointmentStatus.choices:
            appointment.status = value
            assert appointment.get_status_display() == djangos_own(appointment, "status")
    appointment.status = AppointmentStatus.CANCELLED
    with translation.override("en-gb"):
        english = appointment.get_status_display()
    with translation.override("es"):
        assert appointment.get_status_display() not in ("", english)


def test_a_value_outside_the_choices_reads_as_itself():
    appointment = Appointment(status="lost")
    assert appointment.get_status_display() == "lost" == djangos_own(appointment, "status")
    assert Appointment(status=None).get_status_display() is None


@pytest.mark.parametrize(
    ("model", "field_name"), [(Photo, "angle"), (Photo, "stage"), (Consultation, "outcome")]
)
def test_other_record_fields_read_as_django_would_say_them(model, field_name):
    instance = model()
    for value, _label in model._meta.get_field(field_name).flatchoices:
        setattr(instance, field_name, value)
        with translation.override("es"):
            shown = getattr(instance, f"get_{field_name}_display")()
            assert shown == djangos_own(instance, field_name)
            assert isinstance(shown, str)
