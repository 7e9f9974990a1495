"""Forms shared by several feature areas."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

#: The value of the "nothing chosen" option of optional select fields.
NONE = ""


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs; ``None`` becomes the empty "nothing" option."""
    return [SelectChoice(NONE if value is None else str(value), label) for value, label in pairs]  # type: ignore[arg-type]


def optional_int(value: object) -> int | None:
    """Coerce for optional id selects; garbage raises ValueError, which WTForms reports."""
    if value in (None, "", NONE):
        return None
    return int(value)  # type: ignore[arg-type]


class EmptyForm(FlaskForm):
    """Gives POST-only buttons (log out, delete, invite) their CSRF token."""


def version_of(value: object) -> int:
    """The version a form says it showed. Garbage, or a number no database integer holds,
    matches no record: the caller reports a conflict instead of failing."""
    try:
        version = int(value or 0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1
    return version if -(2**31) < version < 2**31 else -1
