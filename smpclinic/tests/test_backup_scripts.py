"""scripts/backup.sh and scripts/restore.sh, end to end on a tiny PostgreSQL database.

The database holds three small tables named like the app's, with an encrypted note
written by the app's own field: what matters here is that the scripts carry the
database and the photo folder across whole, and refuse to restore over data or from a
damaged backup. (The README records a trial on a full, seeded database.)
"""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from clients.models import Client

ROOT = Path(__file__).resolve().parents[2]
PSQL = shutil.which("psql") or "psql"
BASH = shutil.which("bash") or "bash"
NOTE = "Keloid scar on the crown; avoid deep passes"

pytestmark = pytest.mark.needs_postgres


def url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def psql(name: str, sql: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own SQL
        [PSQL, "--no-psqlrc", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", url(name), "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own scripts
        [BASH, str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def databases():
    suffix = os.environ.get("PYTEST_DB_SUFFIX", "main")
    names = (f"test_backup_source_{suffix}", f"test_backup_restored_{suffix}")
    for name in names:
        psql("postgres", f'DROP DATABASE IF EXISTS "{name}"')
        psql("postgres", f'CREATE DATABASE "{name}"')
    yield names
    for name in names:
        psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_the_database_and_photos_whole(databases, tmp_path):
    source, restored = databases
    token = Client._meta.get_field("notes").get_prep_value(NOTE)
    psql(
        source,
        "CREATE TABLE clients_client (id int PRIMARY KEY, notes text NOT NULL);"
        "CREATE TABLE scheduling_appointment (id int PRIMARY KEY);"
        "CREATE TABLE photos_photo (id int PRIMARY KEY, image text);"
        "INSERT INTO scheduling_appointment VALUES (1), (2), (3);"
        "INSERT INTO photos_photo VALUES (1, 'clients/1/front.jpg');",
    )
    psql(source, f"INSERT INTO clients_client VALUES (1, '{token}'), (2, '')")  # noqa: S608
    photos = tmp_path / "photos"
    (photos / "clients" / "1").mkdir(parents=True)
    jpeg = b"\xff\xd8\xff\xe0 not really a photo \xff\xd9"
    (photos / "clients" / "1" / "front.jpg").write_bytes(jpeg)

    made = run(
        "backup.sh", str(tmp_path / "backups"), DATABASE_URL=url(source), PHOTOS_DIR=str(photos)
    )
    assert made.returncode == 0, made.stderr
    (backup,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in backup.iterdir()) == [
        "MANIFEST",
        "SHA256SUMS",
        "database.dump",
        "photos.tar.gz",
    ]
    assert "photos.tar.gz (1 files)" in (backup / "MANIFEST").read_text()
    assert oct(backup.stat().st_mode & 0o777) == "0o700"  # health data: owner only

    target_photos = tmp_path / "restored-photos"
    done = run("restore.sh", str(backup), DATABASE_URL=url(restored), PHOTOS_DIR=str(target_photos))
    assert done.returncode == 0, done.stderr
    assert "Restored: 2 clients, 3 appointments, 1 photo records, 1 photo files" in done.stdout
    assert (target_photos / "clients" / "1" / "front.jpg").read_bytes() == jpeg
    stored = psql(restored, "SELECT notes FROM clients_client WHERE id = 1")
    assert stored == token and NOTE not in stored
    assert Client._meta.get_field("notes").to_python(stored) == NOTE

    # Never over existing data.
    again = run(
        "restore.sh", str(backup), DATABASE_URL=url(restored), PHOTOS_DIR=str(tmp_path / "x")
    )
    assert again.returncode != 0
    assert "already has 3 tables" in again.stderr

    # Never from a damaged backup.
    with (backup / "database.dump").open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\x00\x01\x02")
    psql(restored, "DROP TABLE clients_client, scheduling_appointment, photos_photo")
    damaged = run(
        "restore.sh", str(backup), DATABASE_URL=url(restored), PHOTOS_DIR=str(tmp_path / "y")
    )
    assert damaged.returncode != 0
    assert "checksums do not match" in damaged.stderr
    assert psql(restored, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"


def test_backup_refuses_a_missing_photo_folder_and_keeps_nothing(databases, tmp_path):
    source, _ = databases
    made = run(
        "backup.sh",
        str(tmp_path / "backups"),
        DATABASE_URL=url(source),
        PHOTOS_DIR=str(tmp_path / "no-such-folder"),
    )
    assert made.returncode != 0
    assert "no photo folder" in made.stderr
    assert list((tmp_path / "backups").iterdir()) == []
