"""How a professional's login link reaches them: by e-mail when a mail server is configured,
otherwise shown to whoever made it, and then the account needs a second person
(:mod:`wattelt.auth.activation`) before it can log in."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from sqlmodel import Session

from wattelt import mail
from wattelt.auth.services import create_invitation
from wattelt.models import User


@dataclass(frozen=True)
class Delivery:
    #: The masked address the link was mailed to (``k***@example.nl``), or None.
    sent_to: str | None = None
    #: The link itself, only when no mail server is configured.
    link: str | None = None


def deliver(db: Session, user: User, by: User | None) -> Delivery:
    """Make a link for the professional ``user`` (a password reset when they have a password)
    and send it to their own address; without a mail server, return it to be shown.

    A shown link made by a person (``by``) leaves the account waiting for a second person once
    it is used; one printed on the server's command line (``by`` None) does not: whoever runs
    commands there can change the database anyway. Raises :class:`wattelt.mail.MailError` when
    the mail cannot be sent: the caller rolls back, so any earlier link keeps working."""
    mailed = mail.configured()
    token = create_invitation(
        db,
        user,
        by,
        reset=bool(user.password_hash),
        needs_activation=not mailed and by is not None,
    )
    link = url_for("auth.accept_invitation", token=token, _external=True)
    if not mailed:
        return Delivery(link=link)
    assert user.email
    mail.send(
        user.email,
        user.language,
        "auth/mail/link",
        user=user,
        link=link,
        reset=bool(user.password_hash),
        days=current_app.config["INVITATION_DAYS"],
    )
    return Delivery(sent_to=mail.masked(user.email))
