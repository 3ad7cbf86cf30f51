"""Mail at the edge: compose the digest as a MIME message and send it with smtplib.

The SMTP login comes from the environment variables `[digest] smtp_user_env` and
`smtp_password_env` at send time; neither value is ever logged, stored or put in an error.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from littrack.config import DigestSettings
from littrack.digest import Digest
from littrack.digest.errors import SendError

SMTP_TIMEOUT_SECONDS = 30
CHART_FILENAME = "papers-per-year.png"


def digest_message(digest: Digest, settings: DigestSettings) -> EmailMessage:
    """multipart/alternative: the text part, then HTML with the chart inline (multipart/related)."""
    message = _message(digest.subject, digest.text, settings)
    chart_id = make_msgid(domain="littrack.invalid")
    message.add_alternative(digest.html_with_chart(f"cid:{chart_id[1:-1]}"), subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(digest.png, "image", "png", cid=chart_id, filename=CHART_FILENAME)
    return message


def alert_message(subject: str, body: str, settings: DigestSettings) -> EmailMessage:
    """A short plain-text mail: a failed run."""
    return _message(subject, body, settings)


def _message(subject: str, body: str, settings: DigestSettings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="littrack.invalid")
    message.set_content(body)
    return message


def send(message: EmailMessage, settings: DigestSettings) -> None:
    """Deliver `message` to `settings.recipients`; any failure is a `SendError` (one line)."""
    server = f"SMTP {settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            credentials = settings.credentials
            if credentials:
                smtp.login(*credentials)
            refused = smtp.send_message(message, to_addrs=list(settings.recipients))
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"{server} refused the login from ${settings.smtp_user_env}/${settings.smtp_password_env}"
            f" ({exc.smtp_code} {_text(exc.smtp_error)})"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"{server} refused every recipient: {', '.join(exc.recipients)}") from None
    except smtplib.SMTPResponseException as exc:
        raise SendError(f"{server} answered {exc.smtp_code} {_text(exc.smtp_error)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"{server} could not be used: {type(exc).__name__}: {exc}") from None
    if refused:
        raise SendError(f"{server} refused some recipients: {', '.join(sorted(refused))}")


def _text(error: bytes | str) -> str:
    text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
    return " ".join(text.split())
