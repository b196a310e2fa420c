"""Notifications by e-mail: each committed Notification mailed to its user, in Chinese and English.

`mail_committed` listens to workflows.signals.notifications_committed (connected in app.py): it queues one
`mail_notification` task per notification (on RQ, or run inline without Redis). A rolled-back transaction
announces nothing, so nobody is told about an event that did not happen; nothing is queued unless e-mail
is configured (BIANMIN_SMTP_HOST).
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from infra import mail, tasks
from models import Notification, User, db

log = logging.getLogger(__name__)


def mail_notification(notification_id: int) -> str:
    """The task: mail notification `notification_id` to its user's address; says what happened."""
    if not mail.enabled():
        return "e-mail not configured"
    # A session of its own: inline, this runs inside the committing session's after_commit hook.
    with Session(db.engine) as session:
        row = session.execute(
            select(
                Notification.message_zh,
                Notification.message_en,
                Notification.application_id,
                User.email,
                User.display_name,
                User.username,
                User.role,
            )
            .join(User, User.id == Notification.user_id)
            .where(Notification.id == notification_id)
        ).first()
    if row is None:
        return f"notification {notification_id} not found"
    if not row.email:
        return f"notification {notification_id}: {row.username} has no e-mail address"
    mail.send(
        row.email, row.display_name or row.username, row.message_zh, row.message_en, _link(row.application_id, row.role)
    )
    log.info("notification %s mailed to %s", notification_id, row.username)
    return f"notification {notification_id} mailed to {row.username}"


def _link(application_id: int | None, role: str) -> str:
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    if not base or application_id is None:
        return ""
    return (
        f"{base}/my/applications/{application_id}"
        if role == "applicant"
        else f"{base}/console/applications/{application_id}"
    )


def mail_committed(_sender, ids: list[int], **_details) -> None:
    """A blinker receiver: queue the e-mail of each committed notification (best effort: the commit stands)."""
    if not has_app_context() or not mail.enabled():
        return
    for notification_id in ids:
        try:
            tasks.enqueue(mail_notification, notification_id, description=f"mail notification {notification_id}")
        except Exception:  # the in-app notification exists; mail is best effort
            log.exception("could not send or queue the e-mail for notification %s", notification_id)
