"""Free-text health notes are stored encrypted, read back as typed, and survive key rotation."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython
from encrypted_fields.fields import EncryptedFieldMixin

from aftercare.models import CheckIn
from clients.models import Client
from consultations.models import Answer, Consultation
from consultations.tests import factories as consultation_fixtures
from consultations.tests.factories import flag_for_review
from sessions_app.tests.fixtures import logged_session
from smpclinic.encryption import current_keys, encrypted_field_names, models_with_encrypted_fields

consult = consultation_fixtures.consult

ROOT = Path(__file__).resolve().parents[2]
OLD_KEY = "0f" * 32
NEW_KEY = "a1" * 32
SECRET = "Keloid scar across the crown; on isotretinoin until May"

ENCRYPTED = {
    "clients.Client": {"notes"},
    "consultations.Answer": {"text", "details"},
    "consultations.Consultation": {"review_note", "scars", "client_questions", "expectations"},
    "sessions_app.SessionLog": {"technique_notes", "redness_notes", "focus_next_time"},
    "aftercare.CheckIn": {"client_questions", "reply"},
    "reminders.InboundMessage": {"body"},
}


def use_keys(settings, *keys: str) -> None:
    settings.FIELD_ENCRYPTION_KEYS = list(keys)
    settings.SALT_KEY = list(keys)


def stored(obj, field_name: str) -> str | None:
    """What the database holds, read past the ORM."""
    field = obj._meta.get_field(field_name)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {field.column} FROM {obj._meta.db_table} WHERE id = %s",  # noqa: S608
            [obj.pk],
        )
        return cursor.fetchone()[0]


def assert_encrypted(obj, field_name: str, plaintext: str) -> None:
    raw = stored(obj, field_name)
    assert raw and raw != plaintext
    assert plaintext not in raw and max(plaintext.split(), key=len) not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token
    fresh = type(obj).objects.get(pk=obj.pk)
    assert getattr(fresh, field_name) == plaintext


def test_exactly_the_sensitive_free_text_fields_are_encrypted():
    found = {m._meta.label: set(encrypted_field_names(m)) for m in models_with_encrypted_fields()}
    assert found == ENCRYPTED


def test_the_keys_are_derived_as_the_library_derives_them(settings):
    use_keys(settings, NEW_KEY, OLD_KEY)
    field = Client._meta.get_field("notes")
    assert list(current_keys()) == EncryptedFieldMixin.keys.func(field)


@pytest.mark.django_db
def test_client_notes_session_logs_and_check_ins_are_unreadable_in_the_database(treatment):
    client = treatment.client
    client.notes = SECRET
    client.save()
    assert_encrypted(client, "notes", SECRET)

    log = logged_session(
        treatment.sessions[0],
        technique_notes="Three-point needle, light hand over the scar",
        redness_notes="Redness around the crown scar",
        focus_next_time="Fill the patchy left temple",
    )
    assert_encrypted(log, "technique_notes", "Three-point needle, light hand over the scar")
    assert_encrypted(log, "redness_notes", "Redness around the crown scar")
    assert_encrypted(log, "focus_next_time", "Fill the patchy left temple")

    check_in = CheckIn.objects.filter(client=client).first()
    assert check_in is not None, "logging a session invites the client to a fade check-in"
    CheckIn.objects.filter(pk=check_in.pk).update(
        client_questions="Is the itching normal?", reply="Yes, for a week; do not scratch"
    )
    assert_encrypted(check_in, "client_questions", "Is the itching normal?")
    assert_encrypted(check_in, "reply", "Yes, for a week; do not scratch")


@pytest.mark.django_db
def test_consultation_notes_and_questionnaire_answers_are_unreadable_in_the_database(consult):
    consultation = consult.consultation
    flag_for_review(consultation, details="Type 1 diabetes since 2010")
    answer = Answer.objects.exclude(details="").get(response__consultation=consultation)
    assert_encrypted(answer, "details", "Type 1 diabetes since 2010")
    Answer.objects.filter(pk=answer.pk).update(text="Metformin twice a day")
    assert_encrypted(answer, "text", "Metformin twice a day")

    Consultation.objects.filter(pk=consultation.pk).update(
        review_note="Cleared by the GP's letter",
        scars="FUT strip scar, 12 cm",
        client_questions="Will it fade unevenly?",
        expectations="A soft, receded hairline",
    )
    assert_encrypted(consultation, "review_note", "Cleared by the GP's letter")
    assert_encrypted(consultation, "scars", "FUT strip scar, 12 cm")
    assert_encrypted(consultation, "client_questions", "Will it fade unevenly?")
    assert_encrypted(consultation, "expectations", "A soft, receded hairline")


@pytest.mark.django_db
def test_the_client_form_saves_and_shows_the_notes_as_typed(people, as_user):
    desk = as_user(people.front_desk)
    record = people.record_a
    response = desk.post(
        f"/clients/{record.pk}/edit/",
        {
            "first_name": record.first_name,
            "last_name": record.last_name,
            "email": record.email,
            "phone": "",
            "preferred_channel": record.preferred_channel,
            "referral_source": "",
            "notes": SECRET,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_encrypted(record, "notes", SECRET)
    page = desk.get(record.get_absolute_url()).content.decode()
    assert "Keloid scar across the crown; on isotretinoin until May" in page
    edit = desk.get(f"/clients/{record.pk}/edit/").content.decode()
    assert "Keloid scar across the crown; on isotretinoin until May</textarea>" in edit


@pytest.mark.django_db
def test_an_empty_note_stays_empty_and_can_still_be_filtered_on(people):
    Client.objects.filter(pk=people.record_a.pk).update(notes=SECRET)
    Client.objects.filter(pk=people.record_b.pk).update(notes="")
    assert stored(people.record_b, "notes") == ""
    assert Client.objects.get(pk=people.record_b.pk).notes == ""
    assert list(Client.objects.filter(notes="")) == [people.record_b]
    assert list(Client.objects.exclude(notes="")) == [people.record_a]


@pytest.mark.django_db
def test_a_note_written_with_an_old_key_still_reads_once_a_new_key_is_first(people, settings):
    use_keys(settings, OLD_KEY)
    Client.objects.filter(pk=people.record_a.pk).update(notes=SECRET)
    written = stored(people.record_a, "notes")

    use_keys(settings, NEW_KEY, OLD_KEY)
    assert Client.objects.get(pk=people.record_a.pk).notes == SECRET
    assert stored(people.record_a, "notes") == written  # reading rewrites nothing

    use_keys(settings, NEW_KEY)  # dropped too early: the note is lost to the app
    assert Client.objects.get(pk=people.record_a.pk).notes != SECRET


@pytest.mark.django_db
def test_rotation_re_encrypts_so_the_old_key_can_be_dropped(people, settings, capsys):
    use_keys(settings, OLD_KEY)
    Client.objects.filter(pk=people.record_a.pk).update(notes=SECRET)
    Client.objects.filter(pk=people.record_b.pk).update(notes="Prefers afternoon sessions")
    updated_at = Client.objects.get(pk=people.record_a.pk).updated_at

    use_keys(settings, NEW_KEY, OLD_KEY)
    call_command("rotate_encryption_keys", batch_size=1)
    out = capsys.readouterr().out
    assert "clients.Client (notes)" in out
    assert "clients.Client: 2 rows read, 2 rewritten" in out
    assert "2 values rewritten" in out

    use_keys(settings, NEW_KEY)
    assert Client.objects.get(pk=people.record_a.pk).notes == SECRET
    assert Client.objects.get(pk=people.record_b.pk).notes == "Prefers afternoon sessions"
    assert_encrypted(people.record_a, "notes", SECRET)
    # A rotation is not an edit of the client's record.
    assert Client.objects.get(pk=people.record_a.pk).updated_at == updated_at

    # Idempotent: a second run finds everything on the first key and writes nothing.
    before = stored(people.record_a, "notes")
    call_command("rotate_encryption_keys")
    assert "0 values rewritten" in capsys.readouterr().out
    assert stored(people.record_a, "notes") == before


@pytest.mark.django_db
def test_rotation_refuses_to_touch_a_value_no_key_opens(people, settings, capsys):
    use_keys(settings, OLD_KEY)
    Client.objects.filter(pk=people.record_a.pk).update(notes=SECRET)
    written = stored(people.record_a, "notes")

    use_keys(settings, NEW_KEY)
    with pytest.raises(CommandError, match="1 values open with none of the configured keys"):
        call_command("rotate_encryption_keys")
    assert f"cannot decrypt: clients.Client {people.record_a.pk} notes" in capsys.readouterr().err
    # Not encrypted a second time: with the old key back, it reads again.
    assert stored(people.record_a, "notes") == written
    use_keys(settings, NEW_KEY, OLD_KEY)
    assert Client.objects.get(pk=people.record_a.pk).notes == SECRET


@pytest.mark.django_db
def test_a_new_secret_key_keeps_notes_readable_through_the_fallbacks(people, settings):
    Client.objects.filter(pk=people.record_a.pk).update(notes=SECRET)
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-of-the-clinic-0123456789-abcdefghijklmnop"
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert Client.objects.get(pk=people.record_a.pk).notes == SECRET
    call_command("rotate_encryption_keys")
    settings.SECRET_KEY_FALLBACKS = []
    assert Client.objects.get(pk=people.record_a.pk).notes == SECRET


def migration_round_trip(people) -> None:
    before = [("clients", "0003_search_trigram_index")]
    executor = MigrationExecutor(connection)
    # Every app's latest migration: going back in clients also unapplies the apps whose
    # migrations depend on it (the audit trail), and they must come back too.
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        OldClient = old_apps.get_model("clients", "Client")
        OldClient.objects.filter(pk=people.record_a.pk).update(notes=SECRET)
        OldClient.objects.filter(pk=people.record_b.pk).update(notes="")
        assert stored(people.record_a, "notes") == SECRET  # plaintext, as it used to be

        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        assert_encrypted(people.record_a, "notes", SECRET)
        assert stored(people.record_b, "notes") == ""

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        assert stored(people.record_a, "notes") == SECRET
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert apps.get_model("clients", "Client").objects.get(pk=people.record_a.pk).notes == SECRET


def run_data_migration(app_label: str, name: str, *, backwards: bool = False) -> None:
    module = importlib.import_module(f"{app_label}.migrations.{name}")
    for operation in module.Migration.operations:
        if isinstance(operation, RunPython):
            (operation.reverse_code if backwards else operation.code)(apps, None)


@pytest.mark.django_db
def test_the_migration_encrypts_notes_stored_before_it_and_reversing_it_decrypts(people):
    with connection.cursor() as cursor:  # as the column held them before the migration
        cursor.execute(
            "UPDATE clients_client SET notes = %s WHERE id = %s", [SECRET, people.record_a.pk]
        )
    run_data_migration("clients", "0004_encrypt_health_notes")
    assert_encrypted(people.record_a, "notes", SECRET)
    assert stored(people.record_b, "notes") == ""
    run_data_migration("clients", "0004_encrypt_health_notes")  # a second run changes nothing
    assert_encrypted(people.record_a, "notes", SECRET)

    run_data_migration("clients", "0004_encrypt_health_notes", backwards=True)
    assert stored(people.record_a, "notes") == SECRET


# The whole migration, schema included, there and back. SQLite only: on PostgreSQL it
# runs in the test suite's own migrate, and undoing it there would undo later apps'
# migrations that depend on it inside one transaction.
@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forth_keeps_the_notes(people):
    migration_round_trip(people)


def manage(*args, **env):
    # A clean environment, as a server would have.
    dropped = {"DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "a-real-secret-of-fifty-characters-or-more-9f3b2c1d",
    "ALLOWED_HOSTS": "clinic.example.com",
}


def test_production_refuses_to_start_without_encryption_keys():
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_a_key_that_is_not_hex_is_refused():
    result = manage("check", **PRODUCTION, FIELD_ENCRYPTION_KEYS=f"{NEW_KEY},not-a-hex-key")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be hex keys" in result.stderr
