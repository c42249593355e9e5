"""In the admin the audit trail can be read, never added to, changed or deleted."""

import pytest
from django.urls import reverse

from audit.models import ChangeEntry, RecordView

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_browser(people, client):
    # Even the most powerful account may not touch the trail.
    people.manager.is_superuser = True
    people.manager.is_staff = True
    people.manager.save()
    client.force_login(people.manager)
    return client


@pytest.mark.parametrize("model", [ChangeEntry, RecordView])
def test_the_admin_offers_no_add_change_or_delete(people, superuser_browser, model):
    RecordView.objects.create(user=people.artist, client=people.record_a, what="photo", path="/")
    row = model.objects.first()
    opts = model._meta

    def url(name, *args):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    listing = superuser_browser.get(url("changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert url("add") not in page
    assert "delete_selected" not in page
    detail = superuser_browser.get(url("change", row.pk))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert url("delete", row.pk) not in detail.content.decode()
    assert superuser_browser.get(url("add")).status_code == 403
    assert (superuser_browser.post(url("delete", row.pk), {"post": "yes"})).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()
