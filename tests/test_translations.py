"""Every text is translatable, and Dutch and English are complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["nl", "en"]


def _catalogue(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_placeholders_match(language):
    catalogue = _catalogue(language)
    missing = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert missing == []
    problems = [(m.id, str(e)) for m in catalogue for e in m.check(catalogue)]
    assert problems == []


@pytest.mark.scripts
def test_catalogues_hold_every_text_in_the_code(tmp_path):
    """Extracting again finds no text that the catalogues do not have (run
    ``flask --app app translate update`` when this fails)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-o",
            str(pot),
            str(ROOT / "wattelt"),
        ],
        check=True,
    )
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    for language in LANGUAGES:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue(language) if m.id}
        assert sorted(extracted - known) == [], language


def test_dutch_differs_from_the_source(client):
    """A smoke check that Dutch is really served: the welcome page is in Dutch."""
    page = client.get("/").get_data(as_text=True)
    assert "Wat telt voor jou?" in page
    assert "What counts for you?" not in page


def test_wtforms_own_messages_follow_each_requests_language(app):
    """WTForms' built-in messages come from its catalogue, loaded once per language and kept:
    a Dutch request and an English one in the same worker each get their own."""
    from wattelt.measurements.forms import CorrectionForm

    seen = {}
    for language in ("nl", "en", "nl"):
        with app.test_request_context(
            f"/?lang={language}", method="POST", data={"answer": "no such answer"}
        ):
            form = CorrectionForm(meta={"csrf": False})
            form.answer.choices = [("1", "1"), ("2", "2")]
            form.validate()
            seen.setdefault(language, set()).add(" ".join(form.answer.errors))
    assert seen["nl"] == {"Ongeldige keuze."}
    assert seen["en"] == {"Not a valid choice."}
