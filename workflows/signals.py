"""What the engine announces, once the transaction that made it has committed (blinker signals).

- `event_committed` (sender: the procedure's name; `event`, `application_id`): every audited entry, i.e. each
  event fired, each draft created, each deadline recounted. Metrics count them (app.py wires
  infra.observability.count_event).
- `notifications_committed` (sender: None; `ids`): the Notification rows a transaction added, from an
  event or a job. Mail sends them (workflows.notifications).

Nothing is sent for a transaction that rolls back: nobody hears of what did not happen.
"""

from __future__ import annotations

from blinker import Namespace
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session

from models import Notification

_signals = Namespace()
event_committed = _signals.signal("event-committed")
notifications_committed = _signals.signal("notifications-committed")
EVENTS, NOTES = "bianmin_events_to_announce", "bianmin_notifications_to_announce"


def announce(session: Session, procedure: str, event: str, application_id: int | None) -> None:
    """Announce `event` when `session` commits (workflows.engine calls it for every audit entry)."""
    session.info.setdefault(EVENTS, []).append((procedure, event, application_id))


@orm_event.listens_for(Session, "after_flush")
def _notes_flushed(session: Session, _flush_context) -> None:
    ids = [obj.id for obj in session.new if isinstance(obj, Notification)]
    if ids:
        session.info.setdefault(NOTES, []).extend(ids)


@orm_event.listens_for(Session, "after_commit")
def _send(session: Session) -> None:
    events, notes = session.info.pop(EVENTS, ()), session.info.pop(NOTES, ())
    for procedure, name, application_id in events:
        event_committed.send(procedure, event=name, application_id=application_id)
    if notes:
        notifications_committed.send(None, ids=list(notes))


@orm_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(EVENTS, None)
    session.info.pop(NOTES, None)
