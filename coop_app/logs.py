"""Logs as JSON lines on stderr: one line per request (who asked what, how it ended, how long
it took, under which request id) and every error logged during a request tagged with that id,
so the code on a treasurer's 500 page leads to the traceback.

Everything under the `coop_app` logger goes to stderr as JSON and stops there (it does not
propagate to the root logger, which waitress and others configure with their own handler).
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import g, has_request_context, request

LOGGER = "coop_app"
REQUEST_LOGGER = "coop_app.requests"
REQUEST_ID_HEADER = "X-Request-ID"
# An id a proxy in front (nginx's $request_id, a load balancer's) may pass on; anything
# else is replaced, so a log line never carries what a client chose to write into it.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
MAX_PATH = 2000


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the record's `fields`, the
    request id of the request it was logged in, and the traceback if there is one."""

    def format(self, record):
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        line.update(getattr(record, "fields", {}))
        if has_request_context() and "request_id" not in line:
            line["request_id"] = g.get("request_id")
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is written (as logging's own last-resort
    handler does), so a test's captured stderr or a redirected one receives it."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def configure_logging():
    """Send the app's logs to stderr as JSON lines, once per process."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(handler, StderrHandler) for handler in logger.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    logger.propagate = False


def register_request_log(app):
    """Give every request an id and log one line when its response is ready. Called first in
    create_app, so the id exists before any other hook runs (and can fail)."""
    app.before_request(start_request)
    app.after_request(log_request)


def start_request():
    g.request_started = time.perf_counter()
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if WELL_FORMED_ID.fullmatch(incoming) else uuid.uuid4().hex


def log_request(response):
    request_id = g.get("request_id") or uuid.uuid4().hex
    started = g.get("request_started")
    fields = {
        "method": request.method,
        "path": request.path[:MAX_PATH],  # never the query string: it may carry names
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user_id": _user_id(),
        "cooperative": _cooperative_code(),
        "request_id": request_id,
    }
    logging.getLogger(REQUEST_LOGGER).info(
        "%s %s %s", fields["method"], fields["path"], fields["status"], extra={"fields": fields})
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def current_request_id():
    """The id of the request being served (for the error page), or None outside one."""
    return g.get("request_id") if has_request_context() else None


def _user_id():
    # The user Flask-Login already loaded for this request, if any: a log line never loads
    # one itself (that would query the database, which may be the thing that failed).
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


def _cooperative_code():
    coop = g.get("coop")
    if coop is not None:
        return coop.code
    code = g.get("coop_code")  # from a /c/<code>/ URL whose access check did not load it
    return code[:32] if code else None
