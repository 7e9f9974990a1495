"""Static files: compressed for browsers that accept it, the same file either way, still cached."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "wattelt" / "static"


def _bundle_url(app) -> str:
    from wattelt.assets import vendor_url

    with app.test_request_context():
        return vendor_url("plotly/plotly.min.js")


def test_text_files_go_out_gzipped_to_browsers_that_accept_it(app, client):
    url = _bundle_url(app)
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    assert len(body) < 500_000 and int(response.headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == (STATIC / "vendor/plotly/plotly.min.js").read_bytes()
    assert "immutable" in response.headers["Cache-Control"]


def test_without_gzip_the_file_is_sent_as_it_is(app, client):
    response = client.get("/static/css/wattelt.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (STATIC / "css/wattelt.css").read_bytes()
    assert "Accept-Encoding" in response.headers["Vary"]
    response.close()


def test_a_compressed_file_is_still_revalidated_with_its_etag(client):
    first = client.get("/static/js/wattelt.js", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    assert re.match(r'W/".+"', etag), "another encoding of the file: a weak ETag"
    again = client.get(
        "/static/js/wattelt.js", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert again.status_code == 304


def test_pages_are_not_compressed(client):
    # They carry the CSRF token: no compression next to secrets (BREACH).
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
