"""Sending mail through the SMTP server in the ``WATTELT_MAIL_*`` settings.

Only login links travel by mail: a link for a professional goes to the person it is for, so
nobody who made it (an admin) ever sees it. Without a mail server (development, the demo) no
mail is sent, and the callers show the link instead under stricter rules."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

#: Seconds to wait for the mail server before the request gives up with a clear message.
TIMEOUT = 15


class MailError(Exception):
    """The mail could not be handed to the mail server."""


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def masked(address: str) -> str:
    """``k***@example.nl``: enough to recognise one's own address, not enough to copy it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def send(to: str, language: str | None, template: str, **context: object) -> None:
    """Render ``<template>.txt`` and ``<template>.html`` in ``language`` and send them.

    The subject is the text template's first line. Raises :class:`MailError` when the server
    cannot be reached or refuses the mail."""
    config = current_app.config
    with force_locale(language or config["BABEL_DEFAULT_LOCALE"]):
        subject, _, text = render_template(f"{template}.txt", **context).partition("\n")
        html = render_template(f"{template}.html", subject=subject.strip(), **context)
    message = EmailMessage()
    message["Subject"] = subject.strip()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    message.set_content(text.lstrip("\n"))
    message.add_alternative(html, subtype="html")
    mode = config["MAIL_USE_TLS"]
    try:
        if mode == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                config["MAIL_SERVER"],
                config["MAIL_PORT"],
                timeout=TIMEOUT,
                context=ssl.create_default_context(),
            )
        else:
            server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=TIMEOUT)
        with server:
            if mode == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        current_app.logger.warning("mail to %s not sent: %s", masked(to), exc)
        raise MailError(str(exc)) from exc
