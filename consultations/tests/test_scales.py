"""Norwood, Ludwig, Fitzpatrick and the estimated sessions: one definition each, which the
database, the model, the record form and the service all hold to."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from consultations import services
from consultations.forms import RecordForm
from consultations.models import Consultation
from sessions_app.forms import PlanForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(people):
    return Consultation.objects.create(client=people.record_a, artist=people.artist)


@pytest.mark.parametrize(
    "field, outside",
    [("norwood_stage", 8), ("ludwig_stage", 4), ("fitzpatrick", 7), ("estimated_sessions", 6)],
)
def test_the_database_refuses_a_value_outside_the_scale(record, field, outside):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=record.pk).update(**{field: outside})


@pytest.mark.parametrize(
    "field, outside, message",
    [
        ("norwood_stage", 0, "The Norwood stage is from 1 to 7."),
        ("ludwig_stage", 4, "The Ludwig stage is from I to III."),
        ("fitzpatrick", 7, "The Fitzpatrick skin type is from I to VI."),
        ("estimated_sessions", 1, "Estimate between 2 and 5 sessions."),
    ],
)
def test_the_form_the_service_and_the_model_say_the_same(record, people, field, outside, message):
    form = RecordForm(
        data={field: str(outside), "mode": "in_person", "pricing_mode": "per_session"}
    )
    assert form.is_valid() is False
    assert form.errors[field] == [message]

    with pytest.raises(ValidationError) as refused:
        services.consultation_update(record, by=people.artist, **{field: outside})
    assert refused.value.message_dict[field] == [message]

    setattr(record, field, outside)
    with pytest.raises(ValidationError) as invalid:
        record.full_clean()
    assert message in invalid.value.message_dict[field]


def test_the_form_offers_exactly_the_scale():
    form = RecordForm()
    offered = {
        name: [value for value, _ in form.fields[name].choices if value != ""]
        for name in ("norwood_stage", "ludwig_stage", "fitzpatrick", "estimated_sessions")
    }
    assert offered == {
        "norwood_stage": [1, 2, 3, 4, 5, 6, 7],
        "ludwig_stage": [1, 2, 3],
        "fitzpatrick": [1, 2, 3, 4, 5, 6],
        "estimated_sessions": [2, 3, 4, 5],
    }
    assert [label for _, label in form.fields["ludwig_stage"].choices][1:] == ["I", "II", "III"]


def test_the_estimate_offers_the_same_numbers_as_a_plan():
    estimate = [v for v, _ in RecordForm().fields["estimated_sessions"].choices if v != ""]
    plan = [v for v, _ in PlanForm().fields["planned_sessions"].choices]
    assert estimate == plan
