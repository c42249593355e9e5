"""/healthz: 200 when the database and the broker answer, 503 when either does not."""

import os

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler

from smpclinic import health

pytestmark = pytest.mark.django_db

URL = "/healthz"


def test_it_is_healthy_when_database_and_broker_answer(client, settings):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "detail": connections["default"].vendor}
    assert body["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_is_unavailable_when_the_broker_is_down(client, settings):
    # A Redis URL on a port where nothing listens: a real connection attempt that fails.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.HEALTHZ_BROKER_TIMEOUT = 0.5
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


def test_it_is_unavailable_when_the_file_broker_folder_is_gone(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "missing")}
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["broker"] == {
        "ok": False,
        "detail": "broker folder missing or not writable",
    }


def unreachable_database() -> ConnectionHandler:
    """Real connections to a database that cannot be reached (close them afterwards)."""
    default = connections["default"].settings_dict
    if default["ENGINE"].endswith("sqlite3"):
        broken = {**default, "NAME": "/nonexistent-folder/nowhere.sqlite3"}
    else:
        broken = {**default, "HOST": "127.0.0.1", "PORT": "1"}
    return ConnectionHandler({"default": broken})


def test_it_is_unavailable_when_the_database_is_down(client, monkeypatch):
    # A real connection to a database that cannot be reached.
    broken_connections = unreachable_database()
    monkeypatch.setattr(health, "connections", broken_connections)
    try:
        response = client.get(URL)
    finally:
        broken_connections.close_all()
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False
    assert body["database"]["detail"] == "OperationalError"
    assert body["status"] == "unavailable"


@pytest.mark.needs_redis
def test_the_real_redis_broker_answers(settings):
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    status = health.broker_status()
    assert status.ok, status.detail
    assert "redis" in status.detail.lower()


def test_it_only_answers_reads(client):
    assert client.post(URL).status_code == 405


def test_ready_asks_only_the_database_and_live_asks_nothing(client, settings, monkeypatch):
    # The broker down: the monitor's check says so, the load balancer's keeps the node in.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get(URL).status_code == 503
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    # The database down: not ready, but alive.
    broken_connections = unreachable_database()
    monkeypatch.setattr(health, "connections", broken_connections)
    try:
        assert client.get("/readyz").status_code == 503
        assert client.get("/livez").json() == {"status": "alive"}
    finally:
        broken_connections.close_all()
