"""Languages: Dutch first, English complete. The catalogues live in ``translations/``.

A built package carries the compiled ``.mo`` files inside ``wattelt/translations/`` (``setup.py``
compiles them when the package is built). A development checkout has only the ``.po`` sources:
there the ``.mo`` files are compiled on start-up when missing or older than their source, so a
new checkout shows translated pages at once. Production never compiles (its files may be
read-only) and refuses to start when a language's catalogue is missing.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Request, current_app, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from wtforms.i18n import messages_path

from wattelt.extensions import babel

log = logging.getLogger(__name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command (flask --app app ...): the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = getattr(g, "language_override", None)
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    asked = request.args.get("lang") if request else None
    if asked in languages:
        return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogues(directory: Path, force: bool = False) -> list[Path]:
    """Compile every ``.po`` under ``directory`` whose ``.mo`` is missing or stale."""
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parent.parent.name)
        try:
            with mo_path.open("wb") as handle:
                write_mo(handle, catalogue)
        except OSError as exc:  # a read-only install: run `flask translate compile` at build time
            log.warning("could not compile %s: %s", po_path, exc)
            continue
        written.append(mo_path)
    return written


@functools.lru_cache(maxsize=16)
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WatteltRequest(Request):
    """Flask-WTF reads WTForms' own messages (e.g. "Not a valid choice") from disk again for
    every request with a form, unless the request already has them as
    ``wtforms_translations``; this request hands it the catalogue loaded once per language."""

    @functools.cached_property
    def wtforms_translations(self) -> support.Translations:
        return _wtforms_catalogue(str(get_locale()))


def missing_catalogues(directory: Path, languages) -> list[Path]:
    """The compiled catalogues of ``languages`` that ``directory`` lacks."""
    paths = [directory / language / "LC_MESSAGES" / "messages.mo" for language in languages]
    return [path for path in paths if not path.is_file()]


def init_app(app: Flask) -> None:
    from wattelt.config import ConfigError

    app.request_class = WatteltRequest
    directory = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    production = app.config["WATTELT_ENV"] == "production"
    if not production and any(directory.glob("*/LC_MESSAGES/*.po")):
        compile_catalogues(directory)
    missing = missing_catalogues(directory, app.config["LANGUAGES"])
    if missing and production:
        raise ConfigError(
            "Wattelt refuses to start: the compiled translations are missing ("
            + ", ".join(str(path) for path in missing)
            + "). Install a built package (pip install . or a wheel), or run "
            "`flask --app app translate compile` before starting."
        )
    for path in missing:
        log.warning("translations missing: %s (pages fall back to English)", path)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["format_date"] = format_date
    app.jinja_env.globals["format_datetime"] = format_datetime

    @app.context_processor
    def _language():
        return {
            "current_language": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "languages": app.config["LANGUAGES"],
        }
