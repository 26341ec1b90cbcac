"""Request context for logs and audit events: a request id, the client IP and the acting user."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import uuid
from dataclasses import dataclass

_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "housing_request", default=None
)


@dataclass
class RequestContext:
    request_id: str
    ip: str | None
    request: object | None = None


def current_context() -> RequestContext | None:
    return _current.get()


@contextlib.contextmanager
def request_context(*, request_id: str, ip: str | None):
    """The context of the request that caused a job, for the audit events the job writes later."""
    token = _current.set(RequestContext(request_id=request_id, ip=ip))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(RequestContext(request_id=request_id, ip=client_ip(request), request=request))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        record.request_id = context.request_id if context else "-"
        return True
