"""Loading questionnaire definition files into a registry of every version.

Shipped definitions live in ``definitions/``; an installation can add its own in the folder
named by ``WATTELT_QUESTIONNAIRE_DIR``. A measurement records the key and version it used, and
:meth:`Registry.get` returns exactly that version for as long as its file exists, so changing a
questionnaire means adding a file with a higher version, never editing history.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context
from pydantic import ValidationError

from wattelt.questionnaires.icons import available_icons
from wattelt.questionnaires.schema import Questionnaire

DEFINITIONS = Path(__file__).resolve().parent / "definitions"


class QuestionnaireError(ValueError):
    """A definition file is wrong; the message names the file and the field."""


def _field(location: tuple) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "root":
            path += f".{part}" if path else str(part)
    return path or "(file)"


def load_file(path: Path, known_icons: set[str] | None = None) -> Questionnaire:
    """Read and validate one definition file, or raise :class:`QuestionnaireError`."""
    icons = available_icons() if known_icons is None else known_icons
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise QuestionnaireError(f"{path.name}: cannot be read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{path.name}: is not valid TOML ({exc})") from exc
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            location = _field(error["loc"])
            domain = _domain_key(data, error["loc"])
            if domain:
                location = location.replace(f"domains[{error['loc'][1]}]", domain, 1)
            problems.append(f"{location}: {error['msg']}")
        raise QuestionnaireError(f"{path.name}: " + "; ".join(problems)) from exc
    problems = questionnaire.problems(icons)
    if problems:
        raise QuestionnaireError(f"{path.name}: " + "; ".join(problems))
    return questionnaire


def _domain_key(data: dict, location: tuple) -> str | None:
    """``domains[3] (housing)`` instead of ``domains[3]``, so the author finds it at once."""
    if len(location) >= 2 and location[0] == "domains" and isinstance(location[1], int):
        try:
            key = data["domains"][location[1]].get("key")
        except (KeyError, IndexError, AttributeError, TypeError):
            return None
        if key:
            return f"domains[{location[1]}] ({key})"
    return None


class Registry:
    """Every loaded questionnaire version, by key and version."""

    def __init__(self, questionnaires: Iterable[Questionnaire]):
        self._by_version: dict[tuple[str, int], Questionnaire] = {}
        for questionnaire in questionnaires:
            ident = (questionnaire.key, questionnaire.version)
            if ident in self._by_version:
                raise QuestionnaireError(
                    f"{questionnaire.key} version {questionnaire.version} is defined twice"
                )
            self._by_version[ident] = questionnaire
        defaults = {q.key for q in self.latest_all() if q.default}
        if len(defaults) > 1:
            raise QuestionnaireError(
                "more than one questionnaire says default = true: " + ", ".join(sorted(defaults))
            )
        if not self._by_version:
            raise QuestionnaireError("no questionnaire definitions found")

    @classmethod
    def from_folders(cls, *folders: Path | str | None) -> Registry:
        loaded = []
        icons = available_icons()
        for folder in folders:
            if not folder:
                continue
            folder = Path(folder)
            if not folder.is_dir():
                raise QuestionnaireError(f"{folder}: the questionnaire folder does not exist")
            loaded += [load_file(path, icons) for path in sorted(folder.glob("*.toml"))]
        return cls(loaded)

    def get(self, key: str, version: int) -> Questionnaire:
        """Exactly this version (KeyError when no file defines it)."""
        return self._by_version[(key, version)]

    def find(self, key: str, version: int) -> Questionnaire | None:
        return self._by_version.get((key, version))

    def versions(self, key: str) -> list[Questionnaire]:
        return sorted(
            (q for (k, _v), q in self._by_version.items() if k == key), key=lambda q: q.version
        )

    def latest(self, key: str) -> Questionnaire:
        versions = self.versions(key)
        if not versions:
            raise KeyError(key)
        return versions[-1]

    def latest_all(self) -> list[Questionnaire]:
        """The newest version of every questionnaire, the default one first."""
        keys = sorted({k for k, _v in self._by_version})
        newest = [self.latest(k) for k in keys]
        return sorted(newest, key=lambda q: (not q.default, q.key))

    def all(self) -> list[Questionnaire]:
        return sorted(self._by_version.values(), key=lambda q: (q.key, q.version))

    def default(self) -> Questionnaire:
        return self.latest_all()[0]


@cache
def shipped() -> Registry:
    """The definitions that come with Wattelt."""
    return Registry.from_folders(DEFINITIONS)


def init_app(app) -> None:
    """Load shipped and local definitions once at start-up, so a broken file stops the start
    with a clear message instead of failing in front of a resident."""
    extra = app.config.get("QUESTIONNAIRE_DIR")
    app.extensions["wattelt.questionnaires"] = (
        Registry.from_folders(DEFINITIONS, extra) if extra else shipped()
    )


def registry() -> Registry:
    """The app's questionnaires (shipped ones outside an app)."""
    if has_app_context():
        found = current_app.extensions.get("wattelt.questionnaires")
        if found is not None:
            return found
    return shipped()
