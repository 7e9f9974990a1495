"""Front-end files we vendor (``wattelt/static/vendor/``, e.g. our plotly.js bundle).

They are served from our own origin, never from a CDN, with a year's cache: the URL carries a
hash of the file (``?v=…``), so a rebuilt bundle gets a new URL and no browser keeps the old one.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, request, url_for

VENDOR = "vendor/"
ONE_YEAR = 365 * 24 * 60 * 60


@cache
def _digest(folder: str, filename: str) -> str:
    try:
        data = (Path(folder) / filename).read_bytes()
    except OSError:
        return "missing"
    return hashlib.sha256(data).hexdigest()[:12]


def vendor_url(filename: str) -> str:
    """The URL of ``static/vendor/<filename>`` with its content hash."""
    path = VENDOR + filename
    return url_for("static", filename=path, v=_digest(str(current_app.static_folder), path))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["vendor_url"] = vendor_url

    @app.after_request
    def _cache_vendor_files(response):
        filename = (request.view_args or {}).get("filename", "")
        if (
            request.endpoint == "static"
            and filename.startswith(VENDOR)
            and request.args.get("v")
            and response.status_code in (200, 304)
        ):
            response.cache_control.no_cache = False
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
