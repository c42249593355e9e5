"""gunicorn's settings for the clinic's web process (deploy/systemd/smpclinic-web.service).

    gunicorn -c deploy/gunicorn.conf.py smpclinic.wsgi

Every value can be changed from the environment (the same file as the app's, e.g.
/etc/smpclinic/env): GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT, FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os

# The proxy in front (deploy/nginx/smpclinic.conf) talks to this address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core and one more is gunicorn's own advice for a mostly database-bound app.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A page that takes longer than this is stuck: the worker is replaced (and the error reported).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# Only the local proxy may say a request came over HTTPS (with SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access lines carry the request id the app gives every request (X-Request-ID).
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
errorlog = "-"
# Preloading would share one database connection between workers: each loads the app itself.
preload_app = False


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, a worker that ends leaves its gauges behind unless told."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
