"""/metrics in Prometheus's text format: request latency by view, SQL queries by view, and
the reminder outbox's own figures (due, overdue, failed, the oldest due one's age), so an
alert can fire before a client misses a reminder.

Only from the addresses METRICS_ALLOWED_IPS lists (by default this machine) or with
`Authorization: Bearer <METRICS_TOKEN>`. Under gunicorn with several workers, set
PROMETHEUS_MULTIPROC_DIR to an empty folder so the workers' figures are added up
(prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from smpclinic.net import client_ip

REQUEST_SECONDS = Histogram(
    "smpclinic_request_seconds",
    "Time to answer a request, by view",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0),
)
QUERIES = Counter("smpclinic_sql_queries", "SQL queries run, by view", ["view"])


class MetricsMiddleware:
    """Times each request and counts its queries, under the name of the view that answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        began = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else "unmatched"
        REQUEST_SECONDS.labels(view=view, method=request.method).observe(
            time.perf_counter() - began
        )
        QUERIES.labels(view=view).inc(queries[0])
        return response


OUTBOX_GAUGES = (
    ("due", "Reminders due now and not sent yet"),
    ("overdue", "Reminders more than 10 minutes overdue"),
    ("failed", "Reminders that failed to send"),
    ("oldest_due_seconds", "How long the oldest due reminder has waited"),
)


class OutboxCollector:
    """The outbox's figures, read from the database when /metrics is scraped."""

    def describe(self):
        # What it offers, without asking the database (registering calls this).
        for name, help_text in OUTBOX_GAUGES:
            yield GaugeMetricFamily(f"smpclinic_outbox_{name}", help_text)

    def collect(self):
        from reminders.health import outbox_figures

        figures = outbox_figures()
        for name, help_text in OUTBOX_GAUGES:
            yield GaugeMetricFamily(f"smpclinic_outbox_{name}", help_text, value=figures[name])


MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
if not MULTIPROCESS:
    REGISTRY.register(OutboxCollector())


def _registry() -> CollectorRegistry:
    if not MULTIPROCESS:
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(OutboxCollector())
    return registry


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given, f"Bearer {token}"):
        return True
    return client_ip(request) in settings.METRICS_ALLOWED_IPS


@require_safe
@never_cache
def metrics(request):
    if not _allowed(request):
        return HttpResponseForbidden("Not from here.", content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
