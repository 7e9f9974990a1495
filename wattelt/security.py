"""Security headers on every response.

The Content-Security-Policy allows scripts, styles, images and fonts from our own origin only:
no inline scripts, nothing from another host. Pages load nothing from elsewhere by design."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: Blueprints whose forms refuse control characters field by field.
FIELD_CHECKED_BLUEPRINTS = {"admin"}


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site to send the browser back to, else ``None``.

    Only a relative path that starts with exactly one "/" passes: no scheme or host (also not
    after URL parsing), no "//", no backslash (browsers read it as "/"), and no control
    character or white space (browsers drop a tab: "/%09/evil.example" would become
    "//evil.example", another host)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return target


def _has_nul(multidict) -> bool:
    return any("\x00" in value for values in multidict.listvalues() for value in values)


def init_app(app: Flask) -> None:
    production = app.config["WATTELT_ENV"] == "production"

    @app.before_request
    def _refuse_nul():
        # PostgreSQL cannot store or even compare a NUL character in text: refuse it up front
        # with the "something went wrong with the form" page instead of failing deep inside.
        # The admin area's forms refuse control characters themselves, with a message at the
        # field (tests/test_fuzz_forms.py checks both ways on PostgreSQL).
        if request.blueprint in FIELD_CHECKED_BLUEPRINTS:
            return
        if (
            "\x00" in request.path
            or _has_nul(request.args)
            or (request.method == "POST" and _has_nul(request.form))
        ):
            abort(400)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static" and "Cache-Control" not in headers:
            # Person-level pages must not linger in shared or back-button caches.
            headers["Cache-Control"] = "no-store"
        return response
