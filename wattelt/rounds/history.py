"""One resident's rounds as plain numbers for the report: every perspective's answer per domain
and the overall grade, with whatever could not be read set aside and named.

Real data has gaps: a skipped or "don't know" answer, a domain that a later questionnaire
version added (a gap in the earlier rounds, never a zero), a round whose questionnaire file is
gone, or a value that cannot be right (outside the scale, for a domain the version does not
have). Nothing of that stops the report: it is left out and listed in ``problems``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from wattelt.models import OVERALL, PERSPECTIVES, SPECIAL_ANSWERS, Answer, Measurement
from wattelt.questionnaires.loader import registry
from wattelt.questionnaires.schema import Questionnaire
from wattelt.rounds.definition import round_label, rounds_of


@dataclass(frozen=True)
class Problem:
    """Something in a round that could not be read; the page says it in the user's language."""

    kind: str  # questionnaire_missing, unknown_domain, out_of_scale
    round: str  # T0, T1, ...
    completed_at: datetime | None
    item: str | None = None
    value: int | None = None


@dataclass
class Round:
    number: int
    completed_at: datetime | None
    measurement_id: int
    questionnaire: Questionnaire | None  # None: its definition file is gone
    domains: list[str] = field(default_factory=list)  # the domain keys this round asked
    #: perspective -> domain -> value; a domain asked but without a number is absent.
    values: dict[str, dict[str, int]] = field(default_factory=dict)
    #: perspective -> domain -> "dont_know" / "rather_not".
    special: dict[str, dict[str, str]] = field(default_factory=dict)
    grades: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return round_label(self.number)

    @property
    def readable(self) -> bool:
        return self.questionnaire is not None


@dataclass(frozen=True)
class DomainInfo:
    key: str
    title: str
    icon: str


@dataclass
class History:
    rounds: list[Round]
    domains: list[DomainInfo]  # every domain of any readable round, the latest order first
    problems: list[Problem]

    @property
    def readable(self) -> list[Round]:
        return [r for r in self.rounds if r.readable]

    @property
    def questionnaire(self) -> Questionnaire | None:
        """The latest readable round's questionnaire: its scale and threshold are the report's."""
        readable = self.readable
        return readable[-1].questionnaire if readable else None

    def perspectives(self) -> list[str]:
        """The perspectives with at least one number, in the usual order."""
        seen = {p for r in self.readable for p in (*r.values, *r.grades)}
        return [p for p in PERSPECTIVES if p in seen]

    def series(self, perspective: str, domain: str) -> list[int | None]:
        """The perspective's value for ``domain`` in every readable round (None: no number)."""
        return [r.values.get(perspective, {}).get(domain) for r in self.readable]

    def grades(self, perspective: str) -> list[int | None]:
        return [r.grades.get(perspective) for r in self.readable]


def load_history(db: Session, resident_id: int, language: str) -> History:
    measurements = rounds_of(db, resident_id)
    answers: dict[int, list[Answer]] = {m.id: [] for m in measurements}  # type: ignore[misc]
    if measurements:
        rows = db.exec(
            select(Answer)
            .where(col(Answer.measurement_id).in_(list(answers)))
            .order_by(col(Answer.id))
        ).all()
        for answer in rows:
            answers[answer.measurement_id].append(answer)
    problems: list[Problem] = []
    rounds = [
        _read_round(number, measurement, answers[measurement.id], problems)  # type: ignore[index]
        for number, measurement in enumerate(measurements)
    ]
    return History(rounds=rounds, domains=_domains(rounds, language), problems=problems)


def _read_round(
    number: int, measurement: Measurement, answers: list[Answer], problems: list[Problem]
) -> Round:
    questionnaire = registry().find(
        measurement.questionnaire_key, measurement.questionnaire_version
    )
    result = Round(number, measurement.completed_at, measurement.id, questionnaire)  # type: ignore[arg-type]
    if questionnaire is None:
        problems.append(Problem("questionnaire_missing", result.label, measurement.completed_at))
        return result
    result.domains = [d.key for d in questionnaire.domains_for(measurement.optional_keys)]
    asked = set(result.domains)
    scale, grade = questionnaire.scale, questionnaire.grade
    for answer in answers:
        if answer.perspective not in PERSPECTIVES:
            continue
        if answer.item == OVERALL:
            if answer.value is None:
                continue
            if grade.min <= answer.value <= grade.max:
                result.grades[answer.perspective] = answer.value
            else:
                problems.append(_problem("out_of_scale", result, answer))
            continue
        if answer.item not in asked:
            problems.append(_problem("unknown_domain", result, answer))
            continue
        if answer.special in SPECIAL_ANSWERS:
            result.special.setdefault(answer.perspective, {})[answer.item] = answer.special
        elif answer.value is not None:
            if scale.minimum <= answer.value <= scale.maximum:
                result.values.setdefault(answer.perspective, {})[answer.item] = answer.value
            else:
                problems.append(_problem("out_of_scale", result, answer))
    return result


def _problem(kind: str, round_: Round, answer: Answer) -> Problem:
    return Problem(kind, round_.label, round_.completed_at, answer.item, answer.value)


def _domains(rounds: list[Round], language: str) -> list[DomainInfo]:
    """The union of the rounds' domains: the latest round's order, then older ones' extras."""
    found: dict[str, DomainInfo] = {}
    for round_ in reversed(rounds):
        if round_.questionnaire is None:
            continue
        for key in round_.domains:
            if key not in found:
                domain = round_.questionnaire.domain(key)
                if domain is not None:
                    found[key] = DomainInfo(key, domain.title.get(language), domain.icon)
    return list(found.values())
