"""Forms shared by several feature areas."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """Gives POST-only buttons (log out, delete, invite) their CSRF token."""
