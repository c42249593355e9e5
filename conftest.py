"""Shared test fixtures: one person per role, and two clients who must never see each other."""

import os
from types import SimpleNamespace

import pytest
from django.test.utils import override_settings

from accounts.models import Role
from accounts.services import user_create
from clients.services import client_create

PASSWORD = "a-long-test-passphrase"

# Fixtures every app's tests share (an open clinic, a plan with sessions, a consultation, a
# private photo store): available everywhere, never imported into a test module.
# (In this order: each module is registered before another one imports it.)
pytest_plugins = [
    "photos.tests.fixtures",
    "scheduling.tests.diary_fixtures",
    "sessions_app.tests.fixtures",
    "sessions_app.tests.progress_fixtures",
    "consultations.tests.factories",
    "billing.tests.fixtures",
    "billing.tests.stripe_standin",
    "reminders.tests.twilio_standin",
    "tests.redis_server",
    "photos.tests.s3_server",
]


def pytest_sessionstart(session):
    _compile_translations()


def _compile_translations():
    """The translations as `make install` compiles them, for a run started without it.

    Only a catalogue newer than its compiled file is compiled again; gettext's msgfmt does it.
    """
    import shutil
    import subprocess
    from pathlib import Path

    for po in Path(__file__).resolve().parent.glob("locale/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if shutil.which("msgfmt") is None:
            raise pytest.UsageError(
                f"{po} is not compiled and gettext's msgfmt is missing: run `make install`."
            )
        subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)  # noqa: S603,S607


@pytest.hookimpl(trylast=True)  # after -m has deselected what it deselects
def pytest_collection_modifyitems(config, items):
    _restore_migration_data_after_transactional_tests(items)
    _never_skip_redis_tests_quietly(items)
    _smoke_run_only_when_asked(config, items)


def _smoke_run_only_when_asked(config, items):
    """The smoke run (tests/smoke) deploys the whole production configuration and takes a
    minute: it runs only when -m names it (`make smoke`), never as part of another run."""
    if "smoke" in (config.option.markexpr or ""):
        return
    smoke = [item for item in items if item.get_closest_marker("smoke")]
    if smoke:
        config.hook.pytest_deselected(items=smoke)
        items[:] = [item for item in items if not item.get_closest_marker("smoke")]


def _restore_migration_data_after_transactional_tests(items):
    """Transactional tests (live server, real workers) empty every table when they end,
    taking the roles, appointment types and opening hours the migrations created
    with them; serialized rollback puts those back for the tests that follow."""
    transactional_fixtures = {"live_server", "transactional_db"}
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        if not (kwargs.get("transaction") or transactional_fixtures & set(item.fixturenames)):
            continue
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def _never_skip_redis_tests_quietly(items):
    """Tests that need Redis never skip quietly.

    The SQLite run deselects them with -m; anywhere else REDIS_URL must be set,
    and under CI a missing REDIS_URL fails the run.
    """
    if os.environ.get("REDIS_URL"):
        return
    needing = [item for item in items if item.get_closest_marker("needs_redis")]
    if needing and os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"{len(needing)} tests need Redis but REDIS_URL is not set; "
            "run them through `make test` or deselect them with -m 'not needs_redis'."
        )
    for item in needing:
        item.add_marker(pytest.mark.skip(reason="REDIS_URL not set"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """PYTEST_DB_SUFFIX keeps test databases of runs side by side on one machine apart."""
    from django.conf import settings

    suffix = os.environ.get("PYTEST_DB_SUFFIX")
    if suffix:
        db = settings.DATABASES["default"]
        test = db.setdefault("TEST", {})
        if db["ENGINE"].endswith("sqlite3"):
            test["NAME"] = str(settings.VAR_DIR / f"test-smpclinic-{suffix}.sqlite3")
        else:
            test["NAME"] = f"test_{db['NAME']}_{suffix}"


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    # Real hashing costs ~100 ms a user; the hash algorithm is not under test.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _clinic_details_as_installed(settings):
    """Each test starts with the clinic's details as a fresh install has them (no row
    yet: the installation's settings), read again only when a test saves them."""
    from smpclinic.clinic import remember_clinic_profile
    from smpclinic.models import ClinicProfile

    settings.CLINIC_DETAILS_REFRESH_SECONDS = 0
    remember_clinic_profile(ClinicProfile(pk=1))
    yield
    remember_clinic_profile(ClinicProfile(pk=1))


@pytest.fixture(autouse=True)
def _fresh_free_times():
    """Each test's diary is new (its rows are rolled back after it, and ids come again):
    free times cached by an earlier test must not be read (scheduling.availability_cache)."""
    from scheduling.availability_cache import forget_all_free_times

    forget_all_free_times()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests empty every table, content types included, and they come back
    with new ids; the in-process cache would hand the audit trail ids that are gone."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _private_photo_store(photo_store):
    """No test writes photos to the real private store: each gets a folder of its own
    (photos/tests/fixtures.py)."""
    return photo_store


@pytest.fixture(autouse=True)
def _email_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "reminders.sms.LocmemBackend"
    # Reminders due now are not handed to the broker from tests (the outbox tests
    # that check that hand-off turn it on); the dispatcher sends them.
    settings.REMINDERS_SEND_ON_COMMIT = False


@pytest.fixture
def people(db):
    """manager, artist, front_desk, client_a, client_b (users) and their records."""
    manager = user_create(
        email="manager@clinic.test",
        first_name="Morgan",
        last_name="Hale",
        role=Role.MANAGER,
        password=PASSWORD,
    )
    artist = user_create(
        email="artist@clinic.test",
        first_name="Sam",
        last_name="Okafor",
        role=Role.ARTIST,
        password=PASSWORD,
    )
    front_desk = user_create(
        email="desk@clinic.test",
        first_name="Jordan",
        last_name="Price",
        role=Role.FRONT_DESK,
        password=PASSWORD,
    )
    client_a = user_create(
        email="anna@clinic.test",
        first_name="Anna",
        last_name="Ashby",
        role=Role.CLIENT,
        password=PASSWORD,
    )
    client_b = user_create(
        email="ben@clinic.test",
        first_name="Ben",
        last_name="Barker",
        role=Role.CLIENT,
        password=PASSWORD,
    )
    record_a = client_create(
        first_name="Anna",
        last_name="Ashby",
        email="anna@clinic.test",
        phone="+447911123001",
        created_by=front_desk,
    )
    record_a.user = client_a
    record_a.save()
    record_b = client_create(
        first_name="Ben",
        last_name="Barker",
        email="ben@clinic.test",
        phone="+447911123002",
        created_by=front_desk,
    )
    record_b.user = client_b
    record_b.save()
    return SimpleNamespace(
        manager=manager,
        artist=artist,
        front_desk=front_desk,
        client_a=client_a,
        client_b=client_b,
        record_a=record_a,
        record_b=record_b,
    )


@pytest.fixture
def as_user(client):
    """Sign the test browser in as someone: `as_user(people.front_desk)`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def postmark(settings):
    """A stand-in Postmark on 127.0.0.1, and the app set up as EMAIL_PROVIDER=postmark
    would set it (smpclinic/settings.py), pointed at the stand-in: any app's test can
    send the clinic's email through a provider that accepts, refuses or fails."""
    from reminders.tests.postmark_standin import SERVER_TOKEN, WEBHOOK_SECRET, PostmarkStandIn

    with PostmarkStandIn() as standin:
        settings.EMAIL_PROVIDER = "postmark"
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            "POSTMARK_SERVER_TOKEN": SERVER_TOKEN,
            "POSTMARK_API_URL": standin.url,
            "WEBHOOK_SECRET": [WEBHOOK_SECRET],
        }
        yield standin
