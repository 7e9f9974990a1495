"""The schema of a questionnaire definition file, checked when the file is loaded.

A definition is a TOML file (see ``definitions/``). Pydantic checks the shape and the types;
:meth:`Questionnaire.check` adds the rules that span fields (unique keys, every text in every
language, known icons). The loader turns any failure into one message that names the file and
the field, e.g. ``wattelt.v1.toml: domains[3] (housing).question.en: Field required``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from wattelt.models.measurement import OVERALL, SPECIAL_ANSWERS

KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class Text(RootModel[dict[str, str]]):
    """A text in every language of the questionnaire: ``{nl = "…", en = "…"}``."""

    def get(self, language: str) -> str:
        """The text in ``language``; Dutch (the primary language) when that one is missing."""
        texts = self.root
        return texts.get(language) or texts.get("nl") or next(iter(texts.values()), "")

    @field_validator("root")
    @classmethod
    def _not_blank(cls, value: dict[str, str]) -> dict[str, str]:
        for language, text in value.items():
            if not text.strip():
                raise ValueError(f"the {language!r} text is empty")
        return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleOption(_Strict):
    """One step of the answer scale: a number, a face and words."""

    value: int
    face: str | None = None
    label: Text

    @property
    def key(self) -> str:
        return str(self.value)


class SpecialOption(_Strict):
    """An answer that is not a number ("I don't know", "I'd rather not say"); stored as such."""

    key: str
    label: Text

    @field_validator("key")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in SPECIAL_ANSWERS:
            raise ValueError(f"must be one of {', '.join(SPECIAL_ANSWERS)}")
        return value

    @property
    def value(self) -> None:
        return None

    @property
    def face(self) -> None:
        return None


class Scale(_Strict):
    #: Per-domain change counts as improved/declined from this many steps (the measurement
    #: rounds' report and the dashboards classify change with it).
    change_threshold: int = Field(default=1, ge=1)
    #: Perspectives that differ by this many steps are marked in the summary.
    perspective_difference: int = Field(default=2, ge=1)
    options: list[ScaleOption] = Field(min_length=2)
    special: list[SpecialOption] = Field(default_factory=list)

    @field_validator("options")
    @classmethod
    def _ascending(cls, options: list[ScaleOption]) -> list[ScaleOption]:
        values = [o.value for o in options]
        if values != sorted(set(values)):
            raise ValueError("the values must go up one by one without repeating")
        return options

    @property
    def numeric(self) -> list[ScaleOption]:
        return list(self.options)

    @property
    def minimum(self) -> int:
        return self.options[0].value

    @property
    def maximum(self) -> int:
        return self.options[-1].value

    def option(self, key: str | None) -> ScaleOption | SpecialOption | None:
        for option in [*self.options, *self.special]:
            if option.key == key:
                return option
        return None


class Grade(_Strict):
    """The overall grade (rapportcijfer), asked after the life domains."""

    min: int = 1
    max: int = 10
    icon: str | None = None
    title: Text
    question: Text
    explanation: Text


class Domain(_Strict):
    """A life domain (leefgebied): one screen with one question."""

    key: str
    icon: str
    optional: bool = False
    title: Text
    question: Text
    explanation: Text

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY.match(value):
            raise ValueError("use 2-40 lower-case letters, digits or _, starting with a letter")
        if value == OVERALL:
            raise ValueError(f"{OVERALL!r} is the overall grade's key")
        return value


class Questionnaire(_Strict):
    """One version of one questionnaire, exactly as a measurement used it."""

    key: str
    version: int = Field(ge=1)
    default: bool = False
    languages: list[str] = Field(min_length=1)
    title: Text
    description: Text
    audience: Text | None = None
    scale: Scale
    grade: Grade
    domains_: list[Domain] = Field(alias="domains", min_length=1)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY.match(value):
            raise ValueError("use 2-40 lower-case letters, digits or _, starting with a letter")
        return value

    @property
    def domains(self) -> list[Domain]:
        """The life domains every measurement asks, in order."""
        return [d for d in self.domains_ if not d.optional]

    @property
    def optional_domains(self) -> list[Domain]:
        """Domains that are switched on per measurement (for example parenting)."""
        return [d for d in self.domains_ if d.optional]

    @property
    def all_domains(self) -> list[Domain]:
        return list(self.domains_)

    def domains_for(self, optional_keys: Iterable[str]) -> list[Domain]:
        """The domains of a measurement with these optional domains switched on, in file order."""
        chosen = set(optional_keys)
        return [d for d in self.domains_ if not d.optional or d.key in chosen]

    def domain(self, key: str) -> Domain | None:
        return next((d for d in self.domains_ if d.key == key), None)

    def problems(self, known_icons: set[str]) -> list[str]:
        """Rules across fields; each problem as ``field: message``."""
        found: list[str] = []
        seen: set[str] = set()
        for index, domain in enumerate(self.domains_):
            where = f"domains[{index}] ({domain.key})"
            if domain.key in seen:
                found.append(f"{where}.key: {domain.key!r} is used twice")
            seen.add(domain.key)
            if domain.icon not in known_icons:
                found.append(f"{where}.icon: there is no icon {domain.icon!r}")
            found += _missing_languages(where, domain, ("title", "question", "explanation"), self)
        for index, option in enumerate(self.scale.options):
            if option.face and option.face not in known_icons:
                found.append(f"scale.options[{index}].face: there is no icon {option.face!r}")
            found += _missing_languages(f"scale.options[{index}]", option, ("label",), self)
        specials = [s.key for s in self.scale.special]
        if len(specials) != len(set(specials)):
            found.append("scale.special: a special answer is listed twice")
        for index, option in enumerate(self.scale.special):
            found += _missing_languages(f"scale.special[{index}]", option, ("label",), self)
        if self.grade.min >= self.grade.max:
            found.append("grade.max: must be larger than grade.min")
        if self.grade.icon and self.grade.icon not in known_icons:
            found.append(f"grade.icon: there is no icon {self.grade.icon!r}")
        found += _missing_languages("grade", self.grade, ("title", "question", "explanation"), self)
        found += _missing_languages("", self, ("title", "description", "audience"), self)
        return found


def _missing_languages(where: str, thing: object, fields: Iterable[str], q: Questionnaire) -> list:
    found = []
    for name in fields:
        text = getattr(thing, name, None)
        if text is None:
            continue
        for language in q.languages:
            if language not in text.root:
                path = f"{where}.{name}.{language}" if where else f"{name}.{language}"
                found.append(f"{path}: the text in this language is missing")
    return found
