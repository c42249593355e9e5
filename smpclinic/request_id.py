"""A request id on every log line, from the web request into the Celery task it starts.

The id comes from the proxy's X-Request-ID when it sends a sensible one, else a new one;
the response carries it back. Log lines get it as `request_id` (the RequestIdFilter on every
handler). A task published while a request is being answered carries it in a header of its
message, and the worker's log lines for that task carry it too — so a booking can be
followed into the task that sends its confirmation.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
HEADER = "X-Request-ID"
ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if ACCEPTABLE.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


@before_task_publish.connect
def _carry_the_request_id(headers=None, **kwargs):
    request_id = REQUEST_ID.get()
    if headers is not None and request_id != "-":
        headers["request_id"] = request_id


_task_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect
def _take_the_request_id(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id:
        _task_tokens[task_id] = REQUEST_ID.set(str(request_id))


@task_postrun.connect
def _drop_the_request_id(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        REQUEST_ID.reset(token)
