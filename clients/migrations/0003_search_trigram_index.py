"""A trigram index so that searching 50,000+ clients by any fragment stays fast.

PostgreSQL only: SQLite scans the (small) table, which is fine for one clinic's
embedded install.
"""

from django.db import migrations

INDEX = "clients_client_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON clients_client USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_role_permissions")]

    operations = [migrations.RunPython(create_index, drop_index)]
