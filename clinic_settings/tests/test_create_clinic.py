"""A new clinic from the command line: its name and a manager who chooses a password."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from smpclinic.clinic import clinic_context


def create(*args) -> str:
    out = io.StringIO()
    call_command("create_clinic", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_manager_chooses_a_password_from_the_printed_link_and_signs_in(client):
    output = create("--name", "Crown Line SMP", "--manager-email", "Jo@CrownLine.test")
    manager = User.objects.get(email="jo@crownline.test")
    assert manager.role == Role.MANAGER and not manager.has_usable_password()
    assert clinic_context()["clinic_name"] == "Crown Line SMP"
    link = re.search(r"http://\S+/accounts/password/reset/\S+/", output).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    new = "a-long-clinic-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
        follow=True,
    )
    assert done.status_code == 200
    assert client.login(email="jo@crownline.test", password=new)


@pytest.mark.django_db
def test_a_password_file_a_second_run_and_bad_input(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("another-long-passphrase\n")
    output = create(
        "--name", "A", "--manager-email", "a@clinic.test", "--password-file", str(secret)
    )
    assert "choose their password" not in output
    assert User.objects.get(email="a@clinic.test").check_password("another-long-passphrase")
    with pytest.raises(CommandError, match="already an account"):
        create("--name", "B", "--manager-email", "A@clinic.test")
    with pytest.raises(CommandError, match="not an email address"):
        create("--name", "B", "--manager-email", "nobody")
    with pytest.raises(CommandError, match="Give the clinic a name"):
        create("--name", "  ", "--manager-email", "b@clinic.test")
    with pytest.raises(CommandError, match="Cannot read"):
        create(
            "--name",
            "B",
            "--manager-email",
            "b@clinic.test",
            "--password-file",
            str(tmp_path / "none"),
        )
    assert clinic_context()["clinic_name"] == "A"
    assert User.objects.count() == 1
