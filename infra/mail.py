"""E-mail: one bilingual message (Chinese, then English), handed to the configured SMTP server.

What to mail and when is decided above (workflows.notifications mails each notification once its
transaction has committed); this module only composes and delivers.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage, MIMEPart
from email.utils import formatdate, make_msgid

from flask import current_app, render_template

log = logging.getLogger(__name__)
SUBJECT_MAX = 60


def compose(to: str, name: str, message_zh: str, message_en: str, link: str = "") -> EmailMessage:
    """A multipart/mixed message: a Chinese part, then an English one; the subject in Chinese."""
    values = {"name": name, "message_zh": message_zh, "message_en": message_en, "link": link}
    msg = EmailMessage()
    short = message_zh if len(message_zh) <= SUBJECT_MAX else message_zh[: SUBJECT_MAX - 1] + "…"
    msg["Subject"] = f"【便民】{short}"
    msg["From"] = current_app.config["SMTP_FROM"]
    msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=current_app.config["SMTP_FROM"].rpartition("@")[2] or "bianmin.local")
    msg.make_mixed()  # before any Content-* header, or it would become an empty part
    msg["Content-Language"] = "zh-CN, en"
    for lang, cte in (("zh-CN", "base64"), ("en", "quoted-printable")):
        part = MIMEPart()
        part.set_content(
            render_template(f"mail/notification.{lang[:2]}.txt", **values),
            charset="utf-8",
            cte=cte,
            disposition="inline",
        )
        part["Content-Language"] = lang
        msg.attach(part)  # type: ignore[arg-type]  # typeshed's attach wants an EmailMessage; a MIMEPart is what a part is
    return msg


def deliver(msg: EmailMessage) -> None:
    """Hand `msg` to the configured SMTP server (STARTTLS and login when configured)."""
    cfg = current_app.config
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=15) as smtp:
        if cfg["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["SMTP_USER"]:
            smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        smtp.send_message(msg)


def enabled() -> bool:
    """Whether e-mail is configured (BIANMIN_SMTP_HOST): without it notifications stay in the app."""
    return bool(current_app.config.get("SMTP_HOST"))


def send(to: str, name: str, message_zh: str, message_en: str, link: str = "") -> None:
    """Compose and deliver one message."""
    deliver(compose(to, name, message_zh, message_en, link))
