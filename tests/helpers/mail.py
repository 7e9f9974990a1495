"""A local SMTP server for the tests (aiosmtpd), and a port where no mail server listens."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from flask import Flask


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collect:
    def __init__(self, inbox: list[EmailMessage]) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.inbox.append(message)
        return "250 OK"


def use_mail_server(app: Flask, port: int) -> None:
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS="off",
        MAIL_USERNAME=None,
        MAIL_PASSWORD=None,
        MAIL_SENDER="wattelt@gemeente.example",
    )


@contextmanager
def smtp_server(app: Flask) -> Iterator[list[EmailMessage]]:
    """Start an SMTP server on 127.0.0.1 and a free port, point ``app`` at it and yield the
    list its mails arrive in."""
    inbox: list[EmailMessage] = []
    controller = Controller(_Collect(inbox), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        use_mail_server(app, controller.port)
        yield inbox
    finally:
        controller.stop()


def body(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part.get_content()
