"""The cost estimate: totals, bad numbers, the printable page and sending it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations import services
from consultations.models import PricingMode
from reminders.models import Reminder, ReminderKind

pytestmark = pytest.mark.django_db


def test_totals_per_session_and_package(consult):
    c = services.consultation_update(
        consult.consultation,
        by=consult.artist,
        estimated_sessions=3,
        price_per_session=Decimal("450"),
        deposit=Decimal("100"),
        currency="eur",
    )
    totals = services.estimate_totals(c)
    assert (totals.total, totals.deposit, totals.balance) == (
        Decimal("1350.00"),
        Decimal("100.00"),
        Decimal("1250.00"),
    )
    assert totals.currency == "EUR"
    c = services.consultation_update(
        c, by=consult.artist, pricing_mode=PricingMode.PACKAGE, package_price="1200"
    )
    totals = services.estimate_totals(c)
    assert (totals.total, totals.balance, totals.package) == (
        Decimal("1200.00"),
        Decimal("1100.00"),
        True,
    )


def test_an_incomplete_estimate_has_no_totals(consult):
    assert services.estimate_totals(consult.consultation) is None


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"price_per_session": "-5"}, "price_per_session"),
        ({"price_per_session": "abc"}, "price_per_session"),
        ({"price_per_session": "NaN"}, "price_per_session"),
        ({"price_per_session": "100000.01"}, "price_per_session"),
        ({"price_per_session": "10.001"}, "price_per_session"),
        ({"price_per_session": "100", "deposit": "400"}, "deposit"),
        # No price yet: no total for the deposit to be part of.
        ({"deposit": "5000"}, "deposit"),
        ({"pricing_mode": "package", "deposit": "400"}, "deposit"),
        ({"estimated_sessions": 6}, "estimated_sessions"),
        ({"estimated_sessions": "two"}, "estimated_sessions"),
        ({"currency": "E1"}, "currency"),
    ],
)
def test_bad_numbers_are_refused_and_nothing_is_saved(consult, fields, field):
    fields = {"estimated_sessions": 3, **fields}
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_update(consult.consultation, by=consult.artist, **fields)
    assert field in excinfo.value.message_dict
    consult.consultation.refresh_from_db()
    assert consult.consultation.estimated_sessions is None


def test_the_estimate_is_sent_through_the_outbox(consult):
    c = consult.consultation
    with pytest.raises(ValidationError):
        services.estimate_send(c, by=consult.people.front_desk)
    services.consultation_update(
        c,
        by=consult.artist,
        estimated_sessions=2,
        price_per_session="500",
        deposit="50",
        price_change_reason="Two sessions only",
    )
    services.estimate_send(c, by=consult.people.front_desk)
    c.refresh_from_db()
    assert c.estimate_sent_at is not None
    reminder = Reminder.objects.get(kind=ReminderKind.ESTIMATE)
    assert reminder.key.startswith(f"consultation:{c.pk}:estimate:")
    assert reminder.consultation == c and reminder.client == consult.client
    assert reminder.data["total"] == "1000.00" and reminder.data["balance"] == "950.00"
    services.estimate_send(c, by=consult.people.front_desk)  # sending again is a new message
    assert Reminder.objects.filter(kind=ReminderKind.ESTIMATE).count() == 2


def test_the_printable_estimate(consult, as_user):
    c = consult.consultation
    services.consultation_update(
        c,
        by=consult.artist,
        estimated_sessions=3,
        price_per_session="400",
        deposit="100",
        price_change_reason="Returning client",
    )
    response = as_user(consult.people.front_desk).get(
        reverse("consultations:estimate", args=[c.pk])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Anna Ashby" in text and "£1,200.00" in text and "£1,100.00" in text
    assert "no-store" in response["Cache-Control"]
    for user in (consult.people.client_a, consult.people.client_b):
        response = as_user(user).get(reverse("consultations:estimate", args=[c.pk]))
        assert response.status_code == 404


def test_sending_from_the_page(consult, as_user):
    c = consult.consultation
    url = reverse("consultations:estimate_send", args=[c.pk])
    response = as_user(consult.people.front_desk).post(url, follow=True)
    assert "Complete the estimate first" in response.content.decode()
    services.consultation_update(
        c, by=consult.artist, estimated_sessions=3, price_per_session=1, price_change_reason="Model"
    )
    response = as_user(consult.people.front_desk).post(url, follow=True)
    assert "The estimate is on its way" in response.content.decode()
    assert Reminder.objects.filter(kind=ReminderKind.ESTIMATE).count() == 1
    assert as_user(consult.people.client_a).post(url).status_code == 404
    assert as_user(consult.people.front_desk).get(url).status_code == 405


def test_an_estimate_not_started_begins_from_the_price_list(
    consult, as_user, django_assert_num_queries
):
    from billing.models import DepositKind, DepositRule, PackagePrice
    from scheduling.models import AppointmentType

    treatment = AppointmentType.objects.get(slug="treatment-session")
    AppointmentType.objects.filter(pk=treatment.pk).update(price=Decimal("420.00"))
    PackagePrice.objects.create(sessions=3, price=Decimal("1100.00"))
    DepositRule.objects.create(
        appointment_type=treatment, kind=DepositKind.FIXED, value=Decimal("120.00")
    )
    # The treatment, its deposit rule and the package for three sessions: one read.
    with django_assert_num_queries(1):
        suggested = services.estimate_starting_point(consult.consultation)
    assert suggested == {
        "price_per_session": Decimal("420.00"),
        "package_price": Decimal("1100.00"),
        "deposit": Decimal("120.00"),
    }
    page = as_user(consult.artist).get(consult.consultation.get_absolute_url()).content.decode()
    assert 'name="price_per_session" value="420.00"' in page

    # Once the artist has priced it, the estimate is theirs: nothing is suggested.
    services.consultation_update(
        consult.consultation,
        by=consult.artist,
        estimated_sessions=3,
        price_per_session="380",
        price_change_reason="Returning client",
    )
    consult.consultation.refresh_from_db()
    assert services.estimate_starting_point(consult.consultation) == {}
    assert consult.consultation.currency == "GBP"


def test_a_price_off_the_list_says_why_and_nothing_is_saved_without_it(consult):
    with pytest.raises(ValidationError) as refused:
        services.consultation_update(
            consult.consultation, by=consult.artist, estimated_sessions=3, price_per_session="390"
        )
    assert (
        "The price list says £450.00 a session"
        in refused.value.message_dict["price_change_reason"][0]
    )
    consult.consultation.refresh_from_db()
    assert consult.consultation.price_per_session is None
    # The list's own price needs no reason.
    services.consultation_update(
        consult.consultation, by=consult.artist, estimated_sessions=3, price_per_session="450"
    )


def test_an_amount_over_the_limit_is_refused_with_the_limit_written_out(consult):
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_update(
            consult.consultation, by=consult.artist, price_per_session="100000.01"
        )
    assert excinfo.value.message_dict["price_per_session"] == [
        "That is more than 100,000: check the amount."
    ]
