"""E-mail for in-app notifications: one bilingual message per new Notification, sent only after its commit.

Notifications flushed in a transaction are remembered on the session and handed to `tasks` when it
commits (queued on RQ, or sent inline without Redis); a rollback forgets them, so nobody is told about
an event that did not happen. Nothing is collected unless BIANMIN_SMTP_HOST is set.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage, MIMEPart
from email.utils import formatdate, make_msgid

from flask import Flask, current_app, has_app_context, render_template
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models import Notification, User, db

log = logging.getLogger(__name__)
PENDING = "bianmin_pending_mail"
SUBJECT_MAX = 60


def compose(to: str, name: str, message_zh: str, message_en: str, link: str = "") -> EmailMessage:
    """A multipart/mixed message: a Chinese part, then an English one; the subject in Chinese."""
    values = {"name": name, "message_zh": message_zh, "message_en": message_en, "link": link}
    msg = EmailMessage()
    short = message_zh if len(message_zh) <= SUBJECT_MAX else message_zh[:SUBJECT_MAX - 1] + "…"
    msg["Subject"] = f"【便民】{short}"
    msg["From"] = current_app.config["SMTP_FROM"]
    msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=current_app.config["SMTP_FROM"].rpartition("@")[2] or "bianmin.local")
    msg.make_mixed()                         # before any Content-* header, or it would become an empty part
    msg["Content-Language"] = "zh-CN, en"
    for lang, cte in (("zh-CN", "base64"), ("en", "quoted-printable")):
        part = MIMEPart()
        part.set_content(render_template(f"mail/notification.{lang[:2]}.txt", **values), charset="utf-8", cte=cte,
                         disposition="inline")
        part["Content-Language"] = lang
        msg.attach(part)
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


def send_notification(notification_id: int) -> str:
    """Mail notification `notification_id` to its user's address; says what happened."""
    if not current_app.config.get("SMTP_HOST"):
        return "e-mail not configured"
    # A session of its own: inline, this runs inside the committing session's after_commit hook.
    with Session(db.engine) as session:
        row = session.execute(
            select(Notification.message_zh, Notification.message_en, Notification.application_id,
                   User.email, User.display_name, User.username, User.role)
            .join(User, User.id == Notification.user_id).where(Notification.id == notification_id)).first()
    if row is None:
        return f"notification {notification_id} not found"
    if not row.email:
        return f"notification {notification_id}: {row.username} has no e-mail address"
    deliver(compose(row.email, row.display_name or row.username, row.message_zh, row.message_en,
                    _link(row.application_id, row.role)))
    log.info("notification %s mailed to %s", notification_id, row.username)
    return f"notification {notification_id} mailed to {row.username}"


def _link(application_id: int | None, role: str) -> str:
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    if not base or application_id is None:
        return ""
    return f"{base}/my/applications/{application_id}" if role == "applicant" else \
        f"{base}/console/applications/{application_id}"


# --- after commit: one e-mail per new notification ----------------------------------------------

def _enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("SMTP_HOST"))


def _collect(session: Session, _flush_context) -> None:
    if not _enabled():
        return
    ids = [obj.id for obj in session.new if isinstance(obj, Notification)]
    if ids:
        session.info.setdefault(PENDING, []).extend(ids)


def _send_committed(session: Session) -> None:
    ids = session.info.pop(PENDING, None)
    if not ids or not _enabled():
        return
    from infra import tasks
    for notification_id in ids:
        try:
            tasks.enqueue(tasks.send_notification_email, notification_id,
                          description=f"mail notification {notification_id}")
        except Exception:   # the commit stands and the in-app notification exists; mail is best effort
            log.exception("could not send or queue the e-mail for notification %s", notification_id)


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def init_app(app: Flask) -> None:
    """Listen on every SQLAlchemy session (once per process); inert unless SMTP_HOST is set."""
    for name, listener in (("after_flush", _collect), ("after_commit", _send_committed),
                           ("after_rollback", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
