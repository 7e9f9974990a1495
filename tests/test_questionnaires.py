"""Questionnaire definition files: the shipped ones are complete, broken ones are named clearly."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from wattelt import create_app
from wattelt.questionnaires.icons import available_icons, icon_svg
from wattelt.questionnaires.loader import (
    DEFINITIONS,
    QuestionnaireError,
    Registry,
    load_file,
    registry,
    shipped,
)

from helpers.database import app_config

DEFAULT_FILE = DEFINITIONS / "wattelt.v1.toml"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _default_text() -> str:
    return DEFAULT_FILE.read_text(encoding="utf-8")


def test_the_default_questionnaire_has_fourteen_domains_an_optional_one_and_a_grade():
    default = shipped().default()
    assert default.key == "wattelt"
    assert len(default.domains) == 14
    assert [d.key for d in default.optional_domains] == ["parenting"]
    assert (default.grade.min, default.grade.max) == (1, 10)
    assert [o.value for o in default.scale.numeric] == [1, 2, 3, 4, 5]
    assert [o.key for o in default.scale.special] == ["dont_know", "rather_not"]


@pytest.mark.parametrize("questionnaire", shipped().all(), ids=lambda q: f"{q.key}.v{q.version}")
def test_every_shipped_text_exists_in_every_language_and_reads_easily(questionnaire):
    assert set(questionnaire.languages) == {"nl", "en"}
    for domain in questionnaire.all_domains:
        for language in questionnaire.languages:
            question = domain.question.root[language]
            # One question per screen, short enough to read aloud in one breath.
            assert question.endswith("?") and question.count("?") == 1, question
            assert len(question.split()) <= 12, question
            assert len(domain.explanation.root[language].split()) <= 20
            assert len(domain.title.root[language]) <= 40
        assert icon_svg(domain.icon, 48).startswith("<svg")
    for option in questionnaire.scale.numeric:
        assert icon_svg(option.face, 48).startswith("<svg")


def test_a_second_questionnaire_proves_variants_work():
    young = shipped().latest("jong")
    assert young.key != shipped().default().key
    assert young.domains[0].key == "school_work"
    assert [q.key for q in shipped().latest_all()] == ["wattelt", "jong"]


def test_versions_are_kept_side_by_side_and_latest_is_the_highest(tmp_path):
    text = _default_text()
    newer = text.replace("version = 1", "version = 2").replace(
        '[[domains]]\nkey = "meaning"', '[[domains]]\nkey = "spirit"', 1
    )
    _write(tmp_path, "wattelt.v2.toml", newer)
    both = Registry.from_folders(DEFINITIONS, tmp_path)
    assert both.latest("wattelt").version == 2
    # A measurement made with version 1 still gets version 1, domains and all.
    assert both.get("wattelt", 1).domain("meaning") is not None
    assert both.get("wattelt", 2).domain("meaning") is None
    assert [q.version for q in both.versions("wattelt")] == [1, 2]


def test_an_installation_adds_its_own_questionnaires_through_the_configuration(tmp_path):
    text = _default_text().replace('key = "wattelt"', 'key = "lindendaal"', 1)
    _write(tmp_path, "lindendaal.v1.toml", text.replace("default = true\n", ""))
    app = create_app(app_config("sqlite://", ENVIRON={"WATTELT_QUESTIONNAIRE_DIR": str(tmp_path)}))
    with app.app_context():
        assert registry().latest("lindendaal").version == 1
        assert registry().default().key == "wattelt"
    app.extensions["wattelt.engine"].dispose()


def test_a_broken_local_questionnaire_stops_the_start_with_the_files_name(tmp_path):
    _write(tmp_path, "kapot.v1.toml", 'key = "kapot"\n')
    with pytest.raises(QuestionnaireError, match=r"^kapot\.v1\.toml: "):
        create_app(app_config("sqlite://", ENVIRON={"WATTELT_QUESTIONNAIRE_DIR": str(tmp_path)}))


BROKEN = [
    # (what is changed, replacement, the field the message must name)
    (
        'question = { nl = "Hoe gaat het met wonen?", en = "How are things with your home?" }',
        'question = { nl = "Hoe gaat het met wonen?" }',
        r"domains\[1\] \(housing\)\.question\.en: the text in this language is missing",
    ),
    ('key = "housing"', 'key = "money"', r"domains\[1\] \(money\)\.key: 'money' is used twice"),
    (
        'icon = "housing"',
        'icon = "castle"',
        r"domains\[1\] \(housing\)\.icon: there is no icon 'castle'",
    ),
    (
        'key = "housing"',
        'key = "Wonen!"',
        r"domains\[1\] \(Wonen!\)\.key: Value error, use 2-40 lower-case",
    ),
    ('key = "housing"', 'key = "overall"', r"domains\[1\] \(overall\)\.key: .*overall grade"),
    ("value = 2\n", "value = 7\n", r"scale\.options: Value error, the values must go up"),
    (
        'key = "dont_know"',
        'key = "maybe"',
        r"scale\.special\[0\]\.key: Value error, must be one of",
    ),
    ("version = 1", 'version = "one"', r"version: Input should be a valid integer"),
    ("version = 1", "version = 0", r"version: Input should be greater than or equal to 1"),
    (
        'title = { nl = "Wonen", en = "Housing" }',
        'title = { nl = "  ", en = "Housing" }',
        r"domains\[1\] \(housing\)\.title: Value error, the 'nl' text is empty",
    ),
    ("[grade]\nmin = 1\nmax = 10", "[grade]\nmin = 10\nmax = 1", r"grade\.max: must be larger"),
    ("[grade]\n", "[grade]\ncolour = 'red'\n", r"grade\.colour: Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN, ids=[b[2][:40] for b in BROKEN])
def test_a_wrong_definition_is_refused_naming_the_file_and_the_field(tmp_path, old, new, message):
    text = _default_text()
    assert old in text, f"the test's anchor {old!r} is not in the default file any more"
    path = _write(tmp_path, "kapot.v1.toml", text.replace(old, new, 1))
    with pytest.raises(QuestionnaireError) as error:
        load_file(path)
    assert str(error.value).startswith("kapot.v1.toml: ")
    assert re.search(message, str(error.value)), str(error.value)


def test_invalid_toml_is_refused_with_the_line(tmp_path):
    path = _write(tmp_path, "kapot.v1.toml", 'key = "x\n')
    with pytest.raises(QuestionnaireError, match=r"kapot\.v1\.toml: is not valid TOML .*line 1"):
        load_file(path)


def test_the_same_version_twice_is_refused(tmp_path):
    _write(tmp_path, "copy.toml", _default_text())
    with pytest.raises(QuestionnaireError, match="wattelt version 1 is defined twice"):
        Registry.from_folders(DEFINITIONS, tmp_path)


def test_two_defaults_are_refused(tmp_path):
    _write(
        tmp_path, "other.v1.toml", _default_text().replace('key = "wattelt"', 'key = "other"', 1)
    )
    with pytest.raises(QuestionnaireError, match="more than one questionnaire says default"):
        Registry.from_folders(DEFINITIONS, tmp_path)


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(QuestionnaireError, match="does not exist"):
        Registry.from_folders(tmp_path / "nowhere")


def test_every_icon_is_our_own_inline_svg_without_outside_references():
    names = available_icons()
    assert {"face-1", "face-5", "grade", "money", "parenting"} <= names
    for name in names:
        svg = str(icon_svg(name, 32))
        assert svg.startswith('<svg class="picture') and 'aria-hidden="true"' in svg
        assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
        assert "<script" not in svg and " id=" not in svg and "style=" not in svg
    assert str(icon_svg("no-such-icon")) == ""


def test_shipped_files_parse_as_plain_toml():
    # Definition files are for people to read and edit; no tool is needed to check them.
    for path in DEFINITIONS.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert path.name == f"{data['key']}.v{data['version']}.toml"
