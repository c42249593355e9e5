"""The clinic's logo, once uploaded, heads its emails, receipts and consent PDFs."""

import io

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from billing import ledger
from billing.receipts import receipt_pdf
from reminders.models import Reminder
from reminders.wording import compose
from scheduling.tests.diary_fixtures import book
from tests.clock import at, day


def upload_logo(browser):
    picture = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(picture, format="PNG")
    picture.seek(0)
    picture.name = "logo.png"
    response = browser.post(
        reverse("clinic_settings:clinic"), {"name": "Crown Line", "logo": picture}
    )
    assert response.status_code == 302


def images_on_first_page(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages[0].images)


@pytest.mark.django_db
def test_emails_and_receipts_carry_the_logo_once_there_is_one(people, as_user, clinic, settings):
    settings.SITE_URL = "https://book.crownline.test"
    appointment = book(clinic, at(day(3, 3), "10:00"))
    reminder = Reminder.objects.filter(appointment=appointment).first()
    payment = ledger.record_payment(
        client=people.record_a, amount=50, method="cash", description="Deposit"
    )
    assert "book.crownline.test/clinic/logo/" not in compose(reminder).html
    assert images_on_first_page(receipt_pdf(payment)) == 0

    upload_logo(as_user(people.manager))

    email = compose(reminder)
    assert 'src="https://book.crownline.test/clinic/logo/' in email.html
    assert "Crown Line" in email.html
    assert images_on_first_page(receipt_pdf(payment)) == 1
