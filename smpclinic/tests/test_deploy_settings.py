"""Production mode passes Django's deployment checks; development needs no set-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from clients.models import Client
from tests.clock import UTC, at, day

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    # A clean environment, as a server would have: nothing the test run set itself.
    dropped = {
        "DEBUG",
        "ALLOWED_HOSTS",
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
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


def test_production_mode_passes_check_deploy_with_no_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="k" * 20 + "a-real-secret-of-fifty-characters-or-more-9f3b2c1d",
        FIELD_ENCRYPTION_KEYS="6a1f0c9e4b7d2a8f3e6c1b9d4a7f2e8c5b0d3a6f9e2c7b4d1a8f5e0c3b6d9a2f",
        ALLOWED_HOSTS="clinic.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="clinic.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = manage("check", DJANGO_ENV="prod")
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


@pytest.mark.django_db
def test_the_database_is_set_up_for_safe_concurrent_writes():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        else:
            assert connection.vendor == "postgresql"
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'clients_client_search_trgm'"
            )
            assert "gin_trgm_ops" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_times_are_stored_in_utc_and_shown_in_the_clinic_zone(people, as_user, settings):
    settings.TIME_ZONE = "Europe/London"
    summer = at(day(7, 1), "12:00", UTC)
    Client.objects.filter(pk=people.record_a.pk).update(created_at=summer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT created_at FROM clients_client WHERE id = %s", [people.record_a.pk])
        stored = cursor.fetchone()[0]
    if connection.vendor == "sqlite":  # SQLite keeps naive UTC
        assert stored == summer.replace(tzinfo=None)
    else:
        assert stored == summer
    page = as_user(people.front_desk).get(people.record_a.get_absolute_url())
    # British Summer Time is UTC+1.
    assert f"Added 1 Jul {summer.year}, 13:00" in page.content.decode()
