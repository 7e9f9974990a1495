"""The person's report: one resident's rounds as charts, sentences and tables.

Builds what the report page shows from a :class:`~wattelt.rounds.history.History`: the spider
web, the overall grade and one small chart per life domain (figures from
:mod:`wattelt.reports.figures`), each with its easy-language sentences per perspective, and the
table of every answer. Texts come out in the request's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from wattelt.models import PERSPECTIVES
from wattelt.reports import figures, summaries
from wattelt.reports.render import figure_json
from wattelt.rounds.history import History, Problem, Round

DEFAULT_PERSPECTIVES = ("resident",)


def perspective_labels() -> dict[str, str]:
    return {"resident": _("Resident"), "coach": _("Coach"), "network": _("Network")}


def choose_perspectives(asked: Sequence[str], available: Sequence[str]) -> list[str]:
    """The perspectives to show: those asked for that have data, else the resident's own view
    (or the first one with data)."""
    chosen = [p for p in PERSPECTIVES if p in asked and p in available]
    if chosen:
        return chosen
    default = [p for p in DEFAULT_PERSPECTIVES if p in available]
    return default or list(available[:1])


@dataclass
class Chart:
    id: str
    title: str
    figure: Markup
    #: perspective -> sentences; the page shows those of the shown perspectives.
    sentences: dict[str, list[str]] = field(default_factory=dict)
    icon: str | None = None


@dataclass
class TableRow:
    title: str
    cells: list[tuple[str, str]]  # (text, kind) per round; kind: value, special, none, not_asked


@dataclass
class Table:
    perspective: str
    label: str
    rows: list[TableRow]


def round_name(round_: Round) -> str:
    when = format_date(round_.completed_at, "medium") if round_.completed_at else "?"
    return f"{round_.label} · {when}"


def build(history: History, shown: Sequence[str], language: str) -> dict:
    """Everything the report template needs (charts are empty without readable rounds)."""
    rounds = history.readable
    questionnaire = history.questionnaire
    available = history.perspectives()
    labels = perspective_labels()
    context: dict = {
        "rounds": rounds,
        "round_names": [round_name(r) for r in rounds],
        "available": available,
        "shown": list(shown),
        "shown_labels": [labels[p] for p in shown],
        "labels": labels,
        "problems": [problem_text(p) for p in history.problems],
        "charts": None,
    }
    if questionnaire is None or not rounds:
        return context
    scale = (questionnaire.scale.minimum, questionnaire.scale.maximum)
    threshold = questionnaire.scale.change_threshold
    short = [r.label for r in rounds]
    domains = history.domains

    scores = {
        p: [{d.key: r.values.get(p, {}).get(d.key) for d in domains} for r in rounds]
        for p in available
    }
    radar = Chart(
        "chart-overview",
        _("Spider web of the latest measurement and the ones before it"),
        figure_json(
            figures.radar_spec(
                [(d.key, d.title) for d in domains],
                context["round_names"],
                scores,
                scale=scale,
                perspective_labels=labels,
                shown=shown,
            )
        ),
    )
    for p in available:
        radar.sentences[p] = summaries.overview_sentences(
            [(d.title, history.series(p, d.key)) for d in domains], len(rounds), threshold
        )

    grade = Chart(
        "chart-grade",
        _("%(grade)s per measurement", grade=questionnaire.grade.title.get(language)),
        figure_json(
            figures.line_spec(
                short,
                {p: history.grades(p) for p in available},
                scale=(questionnaire.grade.min, questionnaire.grade.max),
                perspective_labels=labels,
                shown=shown,
            )
        ),
        {p: [summaries.grade_sentence(history.grades(p))] for p in available},
        icon=questionnaire.grade.icon,
    )

    per_domain = []
    for domain in domains:
        series = {p: history.series(p, domain.key) for p in available}
        per_domain.append(
            Chart(
                f"chart-domain-{domain.key}",
                domain.title,
                figure_json(
                    figures.line_spec(
                        short, series, scale=scale, perspective_labels=labels, shown=shown
                    )
                ),
                {
                    p: [summaries.domain_sentence(domain.title, series[p], threshold)]
                    for p in available
                },
                icon=domain.icon,
            )
        )
    context.update(
        charts={"overview": radar, "grade": grade, "domains": per_domain},
        tables=[_table(history, p, labels[p], language) for p in available],
        grade_title=questionnaire.grade.title.get(language),
    )
    return context


def _table(history: History, perspective: str, label: str, language: str) -> Table:
    rows = []
    for domain in history.domains:
        cells = []
        for round_ in history.readable:
            cells.append(_cell(round_, perspective, domain.key, language))
        rows.append(TableRow(domain.title, cells))
    grade_cells = []
    for round_ in history.readable:
        value = round_.grades.get(perspective)
        grade_cells.append((str(value), "value") if value is not None else ("–", "none"))
    questionnaire = history.questionnaire
    rows.append(TableRow(questionnaire.grade.title.get(language), grade_cells))  # type: ignore[union-attr]
    return Table(perspective, label, rows)


def _cell(round_: Round, perspective: str, key: str, language: str) -> tuple[str, str]:
    if key not in round_.domains:
        return _("not asked"), "not_asked"
    questionnaire = round_.questionnaire
    value = round_.values.get(perspective, {}).get(key)
    if value is not None:
        option = questionnaire.scale.option(str(value)) if questionnaire else None
        if option is not None:
            return f"{value} · {option.label.get(language)}", "value"
        return str(value), "value"
    special = round_.special.get(perspective, {}).get(key)
    if special is not None and questionnaire is not None:
        option = questionnaire.scale.option(special)
        return (option.label.get(language) if option else special), "special"
    return "–", "none"


def problem_text(problem: Problem) -> str:
    """What could not be read, in words for the professional or the resident."""
    when = format_date(problem.completed_at, "medium") if problem.completed_at else "?"
    if problem.kind == "questionnaire_missing":
        return _(
            "The measurement of %(date)s (%(round)s) used a questionnaire version that is no longer available. It is left out of the charts.",
            date=when,
            round=problem.round,
        )
    if problem.kind == "unknown_domain":
        return _(
            "The measurement of %(date)s (%(round)s) has an answer for “%(item)s”, which is not part of its questionnaire. That answer is left out.",
            date=when,
            round=problem.round,
            item=problem.item,
        )
    return _(
        "The measurement of %(date)s (%(round)s) has an answer outside the scale (%(value)s for “%(item)s”). That answer is left out.",
        date=when,
        round=problem.round,
        value=problem.value,
        item=problem.item,
    )
