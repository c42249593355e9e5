"""Erasure keeps the audit trail's who and when, but not the erased contact details."""

import json

from audit.models import ChangeEntry
from clients.services import client_update
from privacy.erasure import erasure_confirm, erasure_request


def test_the_audit_trail_forgets_the_erased_contact_details(people):
    anna = people.record_a
    client_update(client=anna, first_name="Annabel", phone="+447911123999")
    other = client_update(client=people.record_b, first_name="Benjamin")

    request = erasure_request(client=anna, reason="Moving abroad")
    erasure_confirm(request=request, by=people.manager)

    about_anna = ChangeEntry.objects.filter(client_pk=anna.pk)
    assert about_anna.exists()
    text = json.dumps([list(e.changes.items()) for e in about_anna if e.changes])
    for detail in ("Anna", "Annabel", "anna@clinic.test", "7911123999", "Ashby"):
        assert detail not in text
    assert all("Ashby" not in e.object_repr for e in about_anna)
    # The rows themselves stay: the clinic can still say who changed the record and when.
    assert about_anna.filter(changes__has_key="first_name").exists()
    # Nobody else's trail is touched.
    ben = ChangeEntry.objects.filter(client_pk=other.pk, changes__has_key="first_name").first()
    assert ben.changes["first_name"] == ["Ben", "Benjamin"]
