"""The readable export: the same rows as the JSON, with dates, yes/no, life domains and codes
written out in the reader's language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from wattelt.questionnaires.loader import registry
from wattelt.residents.forms import RELATION_LABELS

WORDS = {
    "perspective": {
        "resident": _l("yours"),
        "coach": _l("the coach's"),
        "network": _l("your network's"),
    },
    "status": {"draft": _l("not finished"), "completed": _l("finished"), "stopped": _l("stopped")},
    "purpose": {"share": _l("Who may see your answers"), "count": _l("Counting in figures")},
    "special": {"dont_know": _l("I don't know"), "rather_not": _l("I'd rather not say")},
    "relation": RELATION_LABELS,
}


def _domain_title(key: str) -> str | None:
    language = str(get_locale() or "nl")
    if key == "overall":
        return str(_l("Overall grade"))
    for questionnaire in registry().all():
        domain = questionnaire.domain(key)
        if domain is not None:
            return domain.title.get(language)
    return None


def readable(key: str, value: Any) -> Any:
    """One value of an export row as a person reads it."""
    if value is None:
        return "–"
    if value is True:
        return _l("yes")
    if value is False:
        return _l("no")
    if key in WORDS and value in WORDS[key]:
        return WORDS[key][value]
    if key == "item":
        return _domain_title(value) or value
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            parsed: date = (
                datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
            )
        except ValueError:
            return value
        return format_date(parsed)
    return value
