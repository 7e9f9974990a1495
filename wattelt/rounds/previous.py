"""The previous round's answers, shown beside a new measurement's answers once they are given.

A new measurement starts from a clean sheet: its questions never show earlier answers, so the
resident answers about now. Only the summary puts last time next to this time.
"""

from __future__ import annotations

from sqlmodel import Session

from wattelt.measurements import services
from wattelt.measurements.presenting import describe
from wattelt.models import Measurement
from wattelt.questionnaires.loader import registry
from wattelt.rounds.definition import previous_round


def previous_answers(
    db: Session, measurement: Measurement, perspective: str, language: str
) -> tuple[Measurement | None, dict[str, str]]:
    """The round before ``measurement`` and its answers from ``perspective`` in words, by item.

    A previous round whose questionnaire version is gone gives no answers rather than an error."""
    previous = previous_round(db, measurement)
    if previous is None:
        return None, {}
    questionnaire = registry().find(previous.questionnaire_key, previous.questionnaire_version)
    if questionnaire is None:
        return previous, {}
    given = services.answers(db, previous, perspective)
    words = {}
    for item in services.items(previous):
        described = describe(questionnaire, item, given.get(item.key), language)
        if described is not None:
            words[item.key] = described["label"]
    return previous, words
