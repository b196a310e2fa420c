"""Claims: a member of staff takes an application to handle, or releases it. Not a state change (no audit
entry on the application's trail); who holds what is in the security log."""

from __future__ import annotations

from sqlalchemy import or_, select, update

from models import Application, User, db
from models.base import rowcount
from workflows import security
from workflows.engine import role_reason
from workflows.errors import Conflict, Forbidden
from workflows.registry import PROCEDURES


def may_act(app: Application, user) -> bool:
    """Whether `user` may fire some event of the application's current state, by role and authority (the
    engine's own rule): a reviewer while opinions are asked, the government's approver when it decides."""
    if user is None or not getattr(user, "is_staff", False):
        return False
    proc = PROCEDURES[app.procedure]
    return any(
        not e.internal and app.state in e.sources and role_reason(app, proc, e, user) is None for e in proc.events
    )


def _name(user_id) -> str | None:
    row = (
        db.session.execute(select(User.display_name, User.username).where(User.id == user_id)).first()
        if user_id
        else None
    )
    return (row.display_name or row.username) if row else None


def claim(user: User, app: Application) -> None:
    """Take `app` to handle: only staff who may act on its current state, and only while nobody else who may
    act holds it (a holder the state has moved away from no longer blocks). One conditional UPDATE, so two
    claims at once cannot both win."""
    if not app.is_open:
        raise Conflict("已办结的申请不能认领", "a closed application cannot be claimed")
    if not may_act(app, user):
        raise Forbidden(
            "只有可以办理本申请当前环节的工作人员可以认领",
            "only staff who may act on the application's current step may claim it",
            code="not_your_step",
        )
    holder_id = app.claimed_by_id
    holder = db.session.get(User, holder_id) if holder_id and holder_id != user.id else None
    free = [Application.claimed_by_id.is_(None), Application.claimed_by_id == user.id]
    if holder is not None and not may_act(app, holder):
        free.append(Application.claimed_by_id == holder.id)
    done = rowcount(
        db.session.execute(
            update(Application)
            .where(Application.id == app.id, or_(*free))
            .values(claimed_by_id=user.id)
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        name = _name(db.session.execute(select(Application.claimed_by_id).where(Application.id == app.id)).scalar())
        raise Conflict(f"该申请已由{name or '他人'}办理，不能认领", f"already claimed by {name or 'someone else'}")
    db.session.expire(app, ["claimed_by_id"])
    security.record(
        "application_claimed",
        user,
        app.number or str(app.id),
        {
            "application_id": app.id,
            **({"taken_from": holder.username} if holder is not None and len(free) == 3 else {}),
        },
    )


def release(user: User, app: Application) -> None:
    """Give `app` back to the queue: only its holder."""
    done = rowcount(
        db.session.execute(
            update(Application)
            .where(Application.id == app.id, Application.claimed_by_id == user.id)
            .values(claimed_by_id=None)
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        name = _name(app.claimed_by_id)
        raise Conflict(
            f"该申请由{name}办理，只有本人可以释放" if name else "该申请尚未被认领",
            f"claimed by {name}: only they may release it" if name else "the application is not claimed",
        )
    db.session.expire(app, ["claimed_by_id"])
    security.record("application_released", user, app.number or str(app.id), {"application_id": app.id})
