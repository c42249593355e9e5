import pytest
from django.core.management import call_command

from accounts.models import Role, User
from clients.models import Client
from smpclinic.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(User.objects.values_list("email", "role", "password", "is_staff")),
        sorted(Client.objects.values_list("id", "email", "phone", "updated_at", "user_id")),
    )


def test_it_builds_a_believable_clinic_and_a_second_run_changes_nothing(capsys):
    call_command("seed_demo")
    first = snapshot()
    out = capsys.readouterr().out
    assert "manager@example.com" in out and DEMO_PASSWORD in out

    assert User.objects.filter(role=Role.MANAGER).count() == 1
    assert User.objects.filter(role=Role.ARTIST).count() == 2
    assert User.objects.filter(role=Role.FRONT_DESK).count() == 1
    assert Client.objects.count() == 12
    assert Client.objects.filter(user__email="daniel.whitaker@example.com").exists()

    call_command("seed_demo")
    assert snapshot() == first
    assert "0 new sign-ins, 0 new clients" in capsys.readouterr().out


def test_the_demo_logins_work(client):
    call_command("seed_demo")
    for email in ["manager@example.com", "desk@example.com", "sam.artist@example.com"]:
        assert client.login(username=email, password=DEMO_PASSWORD), email
        client.logout()
    manager = User.objects.get(email="manager@example.com")
    assert manager.is_staff and manager.has_perm("clients.change_client")
