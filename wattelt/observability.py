"""Logs an operator can follow: a request id on every log line of a request (and in the
``X-Request-Id`` response header), optionally as one JSON object per line
(``WATTELT_LOG_FORMAT=json``) for a log collector. Times in the logs are UTC.

A request id that the proxy sends (nginx: ``proxy_set_header X-Request-Id $request_id;``) is
kept when it looks like one, so the proxy's log and Wattelt's tell of the same request."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-Id"
_GIVEN = re.compile(r"[A-Za-z0-9._-]{8,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def request_id() -> str:
    """The id of the current request; ``-`` outside a request (commands, start-up)."""
    if has_request_context():
        return getattr(g, "request_id", "-")
    return "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class TextFormatter(logging.Formatter):
    converter = time.gmtime

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT, "%Y-%m-%dT%H:%M:%SZ")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id."""

    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: str, json_lines: bool) -> None:
    """Give the root logger one handler of Wattelt's (made once, set again on every call)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "wattelt", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.wattelt = True  # type: ignore[attr-defined]
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    root.setLevel(level)


def init_app(app: Flask) -> None:
    @app.before_request
    def _request_id():
        given = request.headers.get(HEADER, "")
        g.request_id = given if _GIVEN.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def _request_id_header(response):
        response.headers[HEADER] = request_id()
        return response
