"""Receipts: a PDF for every payment and refund, numbered without gaps or repeats even when
desks take payments at the same moment, emailed to the client and in their portal."""

import io
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from billing import ledger
from billing.models import LedgerEntry, MoneySettings
from billing.receipts import receipt_pdf
from reminders.dispatch import dispatch_due

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_receipt_names_the_clinic_the_number_the_amount_and_whats_left(people, settings):
    settings.CLINIC_NAME = "Crown & Line SMP"
    settings.CLINIC_ADDRESS = "12 Harley Street, London"
    MoneySettings.objects.update_or_create(
        pk=1, defaults={"tax_number": "GB123456789", "receipt_note": "Thank you for your visit."}
    )
    ledger.record_charge(client=people.record_a, amount="400", description="Treatment session 1")
    payment = ledger.record_payment(
        client=people.record_a, amount="150", method="card_terminal", description="Part payment"
    )

    text = pdf_text(receipt_pdf(payment))

    assert "Crown & Line SMP" in text
    assert "12 Harley Street, London" in text
    assert "VAT number GB123456789" in text
    assert "Receipt 000001" in text
    assert "Anna Ashby" in text
    assert "Part payment" in text
    assert "Card (terminal)" in text
    assert "£150.00" in text
    assert "Still to pay" in text and "£250.00" in text
    assert "Thank you for your visit." in text


def test_a_refund_has_its_own_numbered_receipt(people):
    ledger.record_payment(client=people.record_a, amount="100", method="cash", description="Pay")
    refund = ledger.record_refund(
        client=people.record_a, amount="30", method="cash", reason="Overpaid", by=people.manager
    )
    text = pdf_text(receipt_pdf(refund))
    assert "Refund receipt 000002" in text
    assert "In credit" in text and "£70.00" in text


def test_the_client_is_emailed_the_receipt_with_the_pdf(people):
    ledger.record_payment(
        client=people.record_a, amount="100", method="cash", description="Deposit for session 1"
    )
    assert dispatch_due() >= 1
    [email] = [m for m in mail.outbox if "Receipt 000001" in m.subject]
    assert email.to == ["anna@clinic.test"]
    assert "£100.00" in email.subject
    assert "Deposit for session 1" in email.body
    [(name, content, mimetype)] = email.attachments
    assert (name, mimetype) == ("receipt-000001.pdf", "application/pdf")
    assert "Receipt 000001" in pdf_text(content)


def test_the_portal_lists_the_clients_receipts_and_only_theirs(people, as_user):
    ledger.record_charge(client=people.record_a, amount="400", description="Treatment session 1")
    mine = ledger.record_payment(
        client=people.record_a, amount="400", method="cash", description="Session 1"
    )
    bens = ledger.record_payment(
        client=people.record_b, amount="90", method="cash", description="Ben's touch-up"
    )
    c = as_user(people.client_a)
    page = c.get(reverse("portal:payments")).content.decode()
    assert "Download receipt 000001" in page
    assert "Ben" not in page
    assert "Nothing to pay." in page
    response = c.get(reverse("portal:receipt", args=[mine.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Receipt 000001" in pdf_text(response.content)
    assert c.get(reverse("portal:receipt", args=[bens.pk])).status_code == 404


def test_the_portal_page_has_a_sensible_empty_state(people, as_user):
    page = as_user(people.client_a).get(reverse("portal:payments")).content.decode()
    assert "No payments yet" in page
    assert "Nothing to pay." in page


def test_the_portal_page_costs_the_same_queries_for_one_payment_or_thirty(
    people, as_user, django_assert_max_num_queries
):
    c = as_user(people.client_a)
    ledger.record_payment(client=people.record_a, amount="10", method="cash", description="P")
    with django_assert_max_num_queries(50) as one:
        c.get(reverse("portal:payments"))
    for _ in range(29):
        ledger.record_payment(client=people.record_a, amount="10", method="cash", description="P")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = c.get(reverse("portal:payments")).content.decode()
    assert page.count('data-testid="receipt-row"') == 30


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_receipt_numbers_have_no_gap_or_repeat_when_desks_pay_at_once(people):
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    errors = []

    def pay(n):
        try:
            barrier.wait(timeout=10)
            ledger.record_payment(
                client=people.record_a, amount=Decimal("10"), method="cash", description=f"#{n}"
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(LedgerEntry.objects.values_list("receipt_number", flat=True))
    assert numbers == list(range(1, threads_count + 1))
    assert MoneySettings.current().last_receipt_number == threads_count
