"""Measurement rounds written straight into the database, for tests of the report and caseload.

``add_round(app, resident, {"money": 2, ...}, days_ago=90)`` stores a completed measurement with
the resident's answers (an int, or "dont_know"/"rather_not"); ``coach={...}`` and
``network={...}`` add those perspectives, ``grade=7`` the overall grade.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from wattelt import db
from wattelt.models import OVERALL, Answer, Measurement, Resident, utcnow
from wattelt.questionnaires.loader import shipped

DEFAULT = shipped().default()
CORE = [d.key for d in DEFAULT.domains]


def add_round(
    app: Flask,
    resident: Resident,
    answers: dict[str, int | str | None],
    *,
    days_ago: float = 0,
    status: str = "completed",
    key: str | None = None,
    version: int | None = None,
    grade: int | None = None,
    coach: dict | None = None,
    network: dict | None = None,
    optional: str = "",
) -> Measurement:
    when = utcnow() - timedelta(days=days_ago)
    with app.app_context(), db.standalone_session() as session:
        measurement = Measurement(
            resident_id=resident.id,
            questionnaire_key=key or DEFAULT.key,
            questionnaire_version=version or DEFAULT.version,
            optional_domains=optional,
            present="coach",
            mode="together",
            status=status,
            started_at=when - timedelta(minutes=30),
            updated_at=when,
            completed_at=when if status != "draft" else None,
        )
        session.add(measurement)
        session.flush()
        views = {"resident": answers, "coach": coach or {}, "network": network or {}}
        for perspective, given in views.items():
            for item, value in given.items():
                special = value if isinstance(value, str) else None
                session.add(
                    Answer(
                        measurement_id=measurement.id,
                        perspective=perspective,
                        item=item,
                        value=None if special else value,
                        special=special,
                    )
                )
        if grade is not None:
            session.add(
                Answer(
                    measurement_id=measurement.id,
                    perspective="resident",
                    item=OVERALL,
                    value=grade,
                )
            )
    return measurement


def everywhere(value: int, **overrides: int | str | None) -> dict[str, int | str | None]:
    """The same answer for every core domain of the default questionnaire, with exceptions."""
    return {key: overrides.get(key, value) for key in CORE}
