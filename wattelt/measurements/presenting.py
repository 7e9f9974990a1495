"""Turning questionnaire scales and stored answers into what the screens show."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from wattelt.models import SPECIAL_ANSWERS, Answer
from wattelt.scoring.measurement import Rating, compare_perspectives


def _special_label(questionnaire, key: str, language: str) -> str:
    option = questionnaire.scale.option(key)
    return option.label.get(language) if option else key


def answer_choices(questionnaire, item, language: str) -> list[SelectChoice]:
    """The options of one screen: the scale (or the grade numbers), then the special answers."""
    if item.is_grade:
        grade = questionnaire.grade
        numeric = [SelectChoice(str(n), str(n)) for n in range(grade.min, grade.max + 1)]
    else:
        numeric = [SelectChoice(o.key, o.label.get(language)) for o in questionnaire.scale.numeric]
    specials = [SelectChoice(o.key, o.label.get(language)) for o in questionnaire.scale.special]
    return numeric + specials


def answer_from_key(questionnaire, item, key: str | None) -> tuple[int | None, str | None]:
    """(value, special) for a chosen option key; (None, None) for no choice."""
    if not key or not key.strip():
        return None, None
    if key in SPECIAL_ANSWERS:
        return None, key
    if item.is_grade:
        value = int(key)
        if not questionnaire.grade.min <= value <= questionnaire.grade.max:
            raise ValueError("grade outside the scale")
        return value, None
    option = questionnaire.scale.option(key)
    if option is None or option.value is None:
        raise ValueError("answer outside the scale")
    return option.value, None


def key_of(answer: Answer | None) -> str | None:
    """The option key an answer was given with (the inverse of ``answer_from_key``)."""
    if answer is None:
        return None
    if answer.special:
        return answer.special
    if answer.value is None:
        return None
    return str(answer.value)


def option_key_for_value(questionnaire, item, value: int | None) -> str | None:
    if value is None:
        return None
    if item.is_grade:
        return str(value)
    for option in questionnaire.scale.numeric:
        if option.value == value:
            return option.key
    return None


def describe(questionnaire, item, answer: Answer | None, language: str) -> dict | None:
    """Words and face for one stored answer, for the summary."""
    if answer is None:
        return None
    if answer.special:
        return {
            "label": _special_label(questionnaire, answer.special, language),
            "face": None,
            "answer": answer,
        }
    if answer.value is None:
        return {"label": _("skipped"), "face": None, "answer": answer}
    if item.is_grade:
        return {"label": str(answer.value), "face": None, "answer": answer}
    for option in questionnaire.scale.numeric:
        if option.value == answer.value:
            return {"label": option.label.get(language), "face": option.face, "answer": answer}
    return {"label": str(answer.value), "face": None, "answer": answer}


def summary_rows(
    questionnaire, screens, answers: dict, shown: list[str], language: str
) -> list[dict]:
    """One row per screen with each shown perspective's answer and whether they differ.

    The note and the "talk about it" / "work on it" wishes are those of the resident when the
    resident's view is shown, else of the one view shown (a network member's own): never those
    of a view that is not shown."""
    answers = {key: answer for key, answer in answers.items() if key[0] in shown}
    voice = "resident" if "resident" in shown else (shown[0] if shown else None)
    domain_keys = [s.key for s in screens if not s.is_grade]
    by_perspective = {
        p: [Rating(item, a.value, a.special) for (pp, item), a in answers.items() if pp == p]
        for p in shown
    }
    comparison = {
        c.domain: c
        for c in compare_perspectives(
            by_perspective, domain_keys, questionnaire.scale.perspective_difference
        )
    }
    rows = []
    for number, screen in enumerate(screens, start=1):
        row_answers = {
            p: describe(questionnaire, screen, answers.get((p, screen.key)), language)
            for p in shown
        }
        own = answers.get((voice, screen.key))
        compared = comparison.get(screen.key)
        rows.append(
            {
                "step": number,
                "item": screen,
                "title": screen.domain.title.get(language)
                if screen.domain
                else questionnaire.grade.title.get(language),
                "icon": screen.domain.icon if screen.domain else questionnaire.grade.icon,
                "answers": row_answers,
                "differs": bool(compared and compared.differs),
                "talk": bool(own and own.wants_to_talk),
                "work": bool(own and own.wants_to_work),
                "note": own.note if own else None,
            }
        )
    return rows
