"""Django's PostgreSQL backend, reading timestamps with psycopg's compiled loader.

Django registers its own loader for `timestamptz` columns (to attach its time zone),
written in Python on top of psycopg's pure-Python parser; every appointment's start,
end and buffer then costs tens of microseconds to read, and a week of the diary
(hundreds of appointments, three or four timestamps each) several milliseconds. With
USE_TZ, Django keeps each connection's session in UTC, so psycopg's own compiled loader
already answers the same thing, an aware datetime in UTC (`datetime.timezone.utc`): this
backend registers it on each new connection. Everything else is Django's.
"""

from __future__ import annotations

import datetime as dt

import psycopg
from django.db.backends.postgresql import base, operations
from psycopg.adapt import Loader
from psycopg.postgres import types
from psycopg.pq import Format

TIMESTAMPTZ_OID = types["timestamptz"].oid
# The default loader psycopg chose: its compiled one when psycopg[binary] or [c] is there.
_DEFAULT_LOADER = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)


class UtcTimestamptzLoader(Loader):
    """psycopg's default timestamptz loader, with the `timezone` Django checks before
    creating each cursor (so that it keeps this one rather than registering its own)."""

    timezone = dt.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._loader = _DEFAULT_LOADER(oid, context)
        # Rows are read by calling this instance's `load`: straight to the default
        # loader's (compiled when available), without a Python call in between.
        self.load = self._loader.load

    def load(self, data):
        return self._loader.load(data)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        # Prepared queries run on a server-binding cursor (smpclinic/prepared.py), whose
        # statement psycopg does not keep as text: write the values in, as Django does for
        # such cursors, so that query logs and captured queries still show the SQL.
        if not isinstance(cursor, psycopg.ClientCursor):
            try:
                return self.compose_sql(sql, params)
            except psycopg.errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # Only where it answers as Django's would: aware datetimes in UTC, from a UTC
        # session (Django sets the session's zone to self.timezone_name).
        if self.timezone is dt.UTC and self.timezone_name == "UTC":
            connection.adapters.register_loader(TIMESTAMPTZ_OID, UtcTimestamptzLoader)
        return connection
