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
