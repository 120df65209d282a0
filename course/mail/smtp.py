"""Hand one message to the SMTP server, and say what is known about its fate.

Three outcomes, because at-most-once depends on telling them apart:
- `NotSent`: nothing was handed over (the server is down, refused the login, the sender or the
  recipient, or answered the data with an error code). Safe to retry when `temporary`.
- `Unconfirmed`: the connection failed while the message was being handed over; it may have
  arrived. Never retried by itself: the admin decides.
- no exception: the server accepted it.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str
    security: str  # "starttls", "ssl" or "none"
    sender: str
    timeout: float

    @property
    def enabled(self) -> bool:
        return bool(self.host)


class NotSent(Exception):
    def __init__(self, reason: str, temporary: bool = True) -> None:
        super().__init__(reason)
        self.temporary = temporary


class Unconfirmed(Exception):
    pass


def build(settings: SmtpSettings, to: str, subject: str, body: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id or make_msgid()
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(body)
    return message


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        client.starttls(context=context)
    if settings.username:
        client.login(settings.username, settings.password)
    return client


def _refusal_code(error: smtplib.SMTPException) -> int:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return max((code for code, _text in error.recipients.values()), default=550)
    return int(getattr(error, "smtp_code", 451))


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Deliver `message` to the server, or raise NotSent / Unconfirmed."""
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        raise NotSent(f"connect: {error!r}") from error
    try:
        client.send_message(message)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        code = _refusal_code(error)
        raise NotSent(f"refused {code}: {error!r}", temporary=code < 500) from error
    except (OSError, smtplib.SMTPException) as error:
        raise Unconfirmed(f"during delivery: {error!r}") from error
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
