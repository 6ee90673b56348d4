"""HTTP 503 with ``Retry-After`` while the database cannot be reached.

When PostgreSQL is down or restarting, every query raises SQLAlchemy's
``OperationalError`` (connection refused, "terminating connection due to
administrator command", "server closed the connection unexpectedly") or
``InterfaceError`` ("connection already closed"); a session that saw one
raises ``PendingRollbackError`` until it is rolled back, and a pool with no
free connection raises ``TimeoutError``. CKAN answers all of them with its
500 page. The portal is not broken then, only waiting for its database
(Art. 7.4: 24/7 operation): this module answers 503 Service Unavailable with
``Retry-After`` (``ckanext.angiang.outage.retry_after`` seconds), so that
browsers, harvesters, monitoring and load balancers retry instead of
reporting an error.

Redis down is answered the same way where a request needs it (starting a
job or a harvest): pages never need it. A harvest job that ckanext-harvest
committed before failing to queue it is queued by the scheduler later
(``harvesters/workers.py`` ``requeue_lost_jobs``).

Recovery needs no restart: the session is rolled back and removed here, and
CKAN's engine checks each pooled connection before use
(``sqlalchemy.pool_pre_ping``, true by default), so the first request after
PostgreSQL is back gets a new connection.

The answer never names the statement, its values or the server: the Action
API gets CKAN's error envelope, pages a short bilingual text built without
templates (rendering CKAN's templates reads the database again).
"""

from __future__ import annotations

import logging

import ckan.model as model
import ckan.plugins.toolkit as tk
import redis.exceptions
import sqlalchemy.exc as sa_exc
from flask import Response, g, has_request_context, json, request

log = logging.getLogger(__name__)

#: What SQLAlchemy raises when the database cannot answer at all.
DATABASE_ERRORS = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.PendingRollbackError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)
#: What redis-py raises when Redis (the job and harvest queues) is down:
#: pages do not need it, but starting a job or a harvest does.
QUEUE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
OUTAGE_ERRORS = DATABASE_ERRORS + QUEUE_ERRORS

_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{message}</p></body></html>
"""


def retry_after() -> int:
    return tk.config.get("ckanext.angiang.outage.retry_after")


def _reset_session() -> None:
    """Drop the failed transaction and its connection: the next request
    starts clean (the pool replaces dead connections)."""
    try:
        model.Session.rollback()
    except Exception:  # the connection is gone; removing is what matters
        pass
    try:
        model.Session.remove()
    except Exception:
        log.debug("Session.remove() after a database outage failed", exc_info=True)


def _texts(error: Exception) -> tuple[str, str]:
    queue = isinstance(error, QUEUE_ERRORS)
    try:
        _ = tk._
        title = _("Service temporarily unavailable")
        if queue:
            return title, _(
                "The portal cannot reach its job queue right now; nothing was "
                "started. A harvest job already created is queued by the "
                "scheduler when the queue is back. Please try again in a moment."
            )
        return title, _(
            "The portal cannot reach its database right now. Please try again in a moment."
        )
    except Exception:  # no translator outside a request
        return "Service temporarily unavailable", "Please try again in a moment."


def _is_api(path: str) -> bool:
    parts = path.strip("/").split("/")
    return "api" in parts[:2]


def handle(error: Exception) -> Response:
    """Flask error handler for :data:`OUTAGE_ERRORS`."""
    # the reason for the operators' log, never for the client
    log.error(
        "%s unavailable (%s) on %s %s: answering 503",
        "Redis" if isinstance(error, QUEUE_ERRORS) else "Database",
        type(error).__name__,
        request.method,
        request.path,
    )
    _reset_session()
    seconds = retry_after()
    title, message = _texts(error)
    if request.path.rstrip("/") in ("/healthz", "/en/healthz"):
        # the monitoring answer keeps its shape: which service is down
        from ckanext.angiang import health

        response = Response(json.dumps(health.report()), status=503, mimetype="application/json")
        _reset_session()
    elif _is_api(request.path):
        body = json.dumps(
            {
                "help": request.url,
                "success": False,
                "error": {"__type": "Service Unavailable", "message": message},
            }
        )
        response = Response(body, status=503, mimetype="application/json")
    else:
        lang = "en" if request.path.startswith("/en/") else "vi"
        response = Response(
            _PAGE.format(lang=lang, title=title, message=message), status=503, mimetype="text/html"
        )
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


def _unwrap(error: Exception) -> Exception:
    """The database error behind a 500 that Flask raised for it (an
    exception in an ``after_request`` hook reaches the 500 handler)."""
    original = getattr(error, "original_exception", None)
    return original if original is not None else error


class _RememberOutage(logging.Filter):
    """CKAN's Action API view catches every exception itself and answers
    500 ("Internal Server Error"), logging it with ``log.exception``: the
    outage error is noted from that log record for :func:`_api_outage`."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None and isinstance(record.msg, BaseException):
            error = record.msg
        if isinstance(error, OUTAGE_ERRORS) and has_request_context():
            g.angiang_outage = error
        return True


def _api_outage(response):
    """``after_request``: the Action API's 500 for an outage becomes the 503."""
    error = g.get("angiang_outage")
    if error is not None and response.status_code == 500:
        return handle(error)
    return response


def install(app) -> None:
    """Register :func:`handle` on CKAN's Flask app (``IMiddleware``). It
    takes precedence over CKAN's catch-all handler (Flask picks the most
    specific class); a 500 wrapping a database error is answered the same."""
    for error_class in OUTAGE_ERRORS:
        app.register_error_handler(error_class, handle)
    ckan_500 = app.error_handler_spec.get(None, {}).get(500, {})
    previous = next(iter(ckan_500.values()), None)

    def internal_error(error):
        cause = _unwrap(error)
        if isinstance(cause, OUTAGE_ERRORS):
            return handle(cause)
        if previous is not None:
            return previous(error)
        return error

    app.register_error_handler(500, internal_error)
    api_log = logging.getLogger("ckan.views.api")
    if not any(isinstance(f, _RememberOutage) for f in api_log.filters):
        api_log.addFilter(_RememberOutage())
    app.after_request(_api_outage)
