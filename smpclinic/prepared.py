"""Querysets compiled to SQL once per shape, then run with fresh values each time.

Turning a queryset into SQL (resolving lookups, joins, the select list) costs Django
several times what PostgreSQL takes to answer a small indexed query: on the busiest
pages it was a third of the request. A page's queries keep the same shape from one
request to the next, only their values change (today, the client, the consultation),
so each is built and compiled once per process and then only run:

    UNANSWERED = PreparedQuery(
        lambda: check_ins_unanswered(now=Param("now", DateTimeField()))[:10]
    )
    rows = UNANSWERED.fetch(now=timezone.now())

The queryset is built by the owning app's own selector, so the rule stays in one place;
`Param` stands for a value that is given at each run. What `fetch` returns is what
evaluating the queryset would (model instances with their select_related rows and
annotations, or values / values_list rows), as a list.

What a prepared queryset must not depend on, since its SQL is kept: anything but its
`Param`s that changes while the server runs (data read from the database, the active
language). The current time zone is part of the shape (date lookups name it in the SQL),
and so is the database. A `Param` stands for one value: a list for `__in` must be a
subquery or a fixed tuple.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Expression, IntegerField, QuerySet
from django.utils import timezone


class OutOfRange(ValueError):
    """A whole number the database cannot hold: it can match no row's id."""


class Param(Expression):
    """A value left open when a prepared queryset is built, given each time it runs."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def get_group_by_cols(self):
        return []


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: Any
    sql: str
    params: tuple
    names: frozenset[str]


def _shallow_copy(obj):
    # Not copy.copy: a QuerySet's __getstate__ would evaluate it.
    new = object.__new__(type(obj))
    new.__dict__ = obj.__dict__.copy()
    return new


class PreparedQuery:
    """A queryset from `build()`, compiled once per database and time zone."""

    def __init__(self, build: Callable[[], QuerySet]):
        self._build = build
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, key: tuple[str, str]) -> _Compiled:
        alias = key[0]
        queryset = self._build().using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        names = frozenset(p.name for p in params if isinstance(p, Param))
        compiled = _Compiled(queryset, compiler, sql, tuple(params), names)
        with self._lock:
            self._compiled[key] = compiled
        return compiled

    def fetch(self, *, using: str = "default", **values) -> list:
        """The rows for these values, as evaluating the built queryset would give them."""
        key = (using, timezone.get_current_timezone_name())
        compiled = self._compiled.get(key) or self._compile(key)
        if values.keys() != compiled.names:
            raise TypeError(
                f"this query takes {sorted(compiled.names)}, was given {sorted(values)}"
            )
        connection = connections[using]
        params = [
            _bound(p, values[p.name], connection) if isinstance(p, Param) else p
            for p in compiled.params
        ]
        sql = compiled.sql
        # A copy of the kept compiler, on this thread's connection, that hands over the
        # kept SQL with today's values instead of compiling again.
        compiler = _shallow_copy(compiled.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        query = _shallow_copy(compiled.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = _shallow_copy(compiled.queryset)
        queryset._query = query
        queryset._result_cache = None
        queryset._prefetch_done = False
        # Evaluated here, once: the queryset never leaves this function, since chaining
        # it (count(), filter()) would copy the kept compiler along with the query.
        with _planned_once(connection):
            return list(queryset)

    def first(self, *, using: str = "default", **values):
        """The first row, or None: a lookup by id, where an id too large for the database
        (typed into a URL) finds nothing rather than failing."""
        try:
            rows = self.fetch(using=using, **values)
        except OutOfRange:
            return None
        return rows[0] if rows else None


@contextmanager
def _planned_once(connection):
    """On PostgreSQL, the statement is prepared on the server at its first run on each
    connection, and later runs skip parsing and planning (a to-do list's query took
    longer to plan than to run). Django's cursors bind values on the client, where
    nothing can be prepared; for this statement only, the connection hands out
    psycopg's server-binding cursor with preparing switched on. Off with
    DATABASE_PREPARED_STATEMENTS=false, e.g. behind a pooler that cannot keep them."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    factory, threshold = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, 0
    try:
        yield
    finally:
        raw.cursor_factory, raw.prepare_threshold = factory, threshold


def _bound(param: Param, value, connection):
    field = param.output_field
    value = field.get_prep_value(value)
    if isinstance(field, IntegerField) and value is not None:
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if not (low is None or low <= value) or not (high is None or value <= high):
            raise OutOfRange(f"{param.name}={value} is beyond what the database holds")
    return field.get_db_prep_value(value, connection, prepared=True)
