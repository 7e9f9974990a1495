"""Numbers taken from URLs: database ids in paths and page numbers in query strings.

A number the database cannot hold must answer "not found" (or the last page), never a 500:
PostgreSQL's INTEGER stops at 2**31 - 1 and SQLite's at 2**63 - 1; the smaller one counts."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.routing import IntegerConverter

#: The largest id a row can have (PostgreSQL INTEGER; SQLite's limit is larger).
MAX_ID = 2**31 - 1

#: No list has this many pages; a larger ``?page=`` shows this page (empty), not an error.
MAX_PAGE = 1_000_000


class DatabaseIdConverter(IntegerConverter):
    """``<id:resident_id>``: a positive whole number that fits a database id; anything else,
    also 2**31 and beyond, matches no route and answers 404."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - Werkzeug's name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def page_number(name: str = "page", last: int | None = None) -> int:
    """The page asked for in the query string: 1 when missing or not a number, and at most
    ``last`` (or ``MAX_PAGE``) however large the number asked for."""
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit()):
        page = 1
    else:
        page = int(value) if len(value) <= len(str(MAX_PAGE)) else MAX_PAGE
    return min(max(1, page), MAX_PAGE if last is None else last)


def init_app(app: Flask) -> None:
    """Register the ``id`` converter; call before any blueprint adds its routes."""
    app.url_map.converters["id"] = DatabaseIdConverter
