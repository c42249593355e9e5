"""What the tests that start real Celery workers (marked `worker`) share."""

from django.db import connection


def database_url_of_test_database() -> str:
    """The DATABASE_URL a worker process needs to reach this test run's database."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
