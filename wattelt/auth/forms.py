from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from wattelt.auth.passwords import MAX_LENGTH, password_problem


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Fill in your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Fill in your password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Log in"))


class EasyLoginForm(FlaskForm):
    username = StringField(
        _l("Your name in Wattelt"),
        validators=[DataRequired(_l("Fill in your name in Wattelt.")), Length(max=40)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Fill in your password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Log in"))


class _NewPassword:
    """A new password typed twice, checked against the rules and against the user's own names:
    the ones the view set in ``_names`` and the user name being chosen on the same form."""

    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(_l("Choose a password."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field):
        names = list(getattr(self, "_names", ()))
        username = getattr(self, "username", None)
        if username is not None and username.data:
            names.append(username.data)
        problem = password_problem(field.data or "", *names)
        if problem:
            raise ValidationError(problem)


class SetPasswordForm(_NewPassword, FlaskForm):
    """Accepting an invitation. Residents and network members also choose a user name."""

    username = StringField(
        _l("Choose a name to log in with"),
        validators=[
            DataRequired(_l("Choose a name.")),
            Length(min=3, max=40, message=_l("Use 3 to 40 letters or numbers.")),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message=_l("Use only letters, numbers, dots and dashes. No spaces."),
            ),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired(_l("Fill in the code.")), Length(max=40)],
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )
    submit = SubmitField(_l("Save and log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Fill in your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField(_l("Send me a link"))


class CodeForm(FlaskForm):
    """A code from the authenticator app (6 digits) or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Fill in the code.")), Length(max=40)],
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )
    submit = SubmitField(_l("Confirm"))


class ChangePasswordForm(_NewPassword, FlaskForm):
    """Changing your own password while logged in: the current one first."""

    current = PasswordField(
        _l("Your password now"),
        validators=[DataRequired(_l("Fill in your password now.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Save"))
