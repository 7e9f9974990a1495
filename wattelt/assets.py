"""Static files: our vendored front-end files and compression of text files.

Vendored files (``wattelt/static/vendor/``, e.g. our plotly.js bundle) are served from our own
origin, never from a CDN, with a year's cache: the URL carries a hash of the file (``?v=…``), so
a rebuilt bundle gets a new URL and no browser keeps the old one.

Text files (CSS, JavaScript, SVG) go out gzip-compressed to browsers that accept it, even without
a compressing proxy in front: the plotly.js bundle is 1.1 MB as a file and about 400 KB
compressed. Each file is compressed once per worker and kept in memory. Pages themselves are not
compressed here: they carry the CSRF token, and compressing secrets next to text an attacker can
put on the page is what the BREACH attack uses.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from functools import cache
from pathlib import Path

from flask import Flask, current_app, request, url_for
from werkzeug.wrappers import Response

VENDOR = "vendor/"
ONE_YEAR = 365 * 24 * 60 * 60
#: Below this size compression saves less than it costs.
COMPRESS_MIN_BYTES = 1024
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")

_compressed: dict[tuple[str, int, int], bytes] = {}
_compressing = threading.Lock()


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


def _gzipped(path: Path) -> bytes | None:
    """The file gzip-compressed, from memory after the first time (None when it is gone)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    found = _compressed.get(key)
    if found is None:
        with _compressing:
            found = _compressed.get(key)
            if found is None:
                found = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
                _compressed[key] = found
    return found


def _compress_static(response: Response) -> Response:
    if (
        request.endpoint != "static"
        or request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        return response
    response.vary.add("Accept-Encoding")
    if (response.content_length or 0) < COMPRESS_MIN_BYTES or not request.accept_encodings["gzip"]:
        return response
    folder = Path(str(current_app.static_folder)).resolve()
    path = (folder / (request.view_args or {}).get("filename", "")).resolve()
    if not path.is_relative_to(folder):
        return response
    body = _gzipped(path)
    if body is None:
        return response
    response.close()  # the open file of send_file
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    # Another representation of the same file: a weak ETag, which conditional requests still
    # match (as nginx does when it compresses).
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["vendor_url"] = vendor_url
    app.after_request(_compress_static)

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
