from django.urls import reverse

from consultations.models import HairlineDesign


def test_forms_outstanding_with_links(consult, as_user):
    c = as_user(consult.people.client_a)
    body = c.get(reverse("portal:forms")).content.decode()
    pk = consult.consultation.pk
    assert reverse("consultation_forms:mine_questionnaire", args=[pk]) in body
    assert "Read and sign" in body or "All done" in body


def test_no_consultation_yet(people, as_user):
    body = as_user(people.client_b).get(reverse("portal:forms")).content.decode()
    assert 'data-testid="no-forms"' in body


def test_the_client_approves_the_latest_hairline(consult, as_user, make_photo):
    photo = make_photo(consult.client, stage="consultation", shared=True)
    HairlineDesign.objects.create(consultation=consult.consultation, version=1, style="soft")
    latest = HairlineDesign.objects.create(
        consultation=consult.consultation,
        version=2,
        style="defined",
        photo=photo,
        notes="A little lower at the temples.",
    )
    c = as_user(consult.people.client_a)
    forms = c.get(reverse("portal:forms")).content.decode()
    assert reverse("portal:hairline", args=[latest.pk]) in forms
    page = c.get(reverse("portal:hairline", args=[latest.pk])).content.decode()
    assert f"/photos/{photo.pk}/web/" in page and "I approve this hairline" in page
    assert "A little lower at the temples." in page
    response = c.post(reverse("portal:hairline", args=[latest.pk]))
    assert response.status_code == 302
    latest.refresh_from_db()
    assert latest.approved_at is not None and latest.approved_via == "portal"
    assert "You approved it on" in c.get(reverse("portal:forms")).content.decode()


def test_an_older_version_cannot_be_approved(consult, as_user):
    old = HairlineDesign.objects.create(consultation=consult.consultation, version=1, style="soft")
    HairlineDesign.objects.create(consultation=consult.consultation, version=2, style="defined")
    c = as_user(consult.people.client_a)
    response = c.post(reverse("portal:hairline", args=[old.pk]), follow=True)
    assert "newer version" in response.content.decode()
    assert not HairlineDesign.objects.filter(approved_at__isnull=False).exists()
