"""Service evaluation (好差评): the applicant rates a decided application 1–5, once."""

from __future__ import annotations

import logging

from sqlalchemy import select

from models import Application, Evaluation, db
from models.evaluation import COMMENT_MAX
from workflows.definition import Reason
from workflows.errors import Conflict, Forbidden, Invalid
from workflows.registry import PROCEDURES

log = logging.getLogger(__name__)
KEYS = {"score", "comment"}
SCORES = {
    5: ("非常满意", "very satisfied"),
    4: ("满意", "satisfied"),
    3: ("基本满意", "fair"),
    2: ("不满意", "dissatisfied"),
    1: ("非常不满意", "very dissatisfied"),
}


def is_decided(app: Application) -> bool:
    """A final state, or one nobody holds any more (registered, in_transition, closed, passed …)."""
    proc = PROCEDURES[app.procedure]
    return app.state in proc.final_states or proc.holders.get(app.state) is None


def of(app: Application) -> Evaluation | None:
    return db.session.execute(select(Evaluation).where(Evaluation.application_id == app.id)).scalar()


def refusal(app: Application, user) -> Reason | None:
    """None when `user` may rate `app` now, else why not (the same sentence blocks the API and hides the form)."""
    if getattr(user, "id", None) != app.applicant_id:
        return Reason(
            "own_application", "只有申请人本人可以评价", "only the applicant may rate this service", status=403
        )
    if not is_decided(app):
        return Reason("not_decided", "办结后才能评价", "a service can be rated once it is decided", status=409)
    if of(app) is not None:
        return Reason("already_rated", "每件申请只能评价一次", "each application is rated once", status=409)
    return None


def clean(body: dict) -> tuple[int, str]:
    """(score, comment) from a request body; Invalid lists every problem at once."""
    problems = [Reason("unknown_field", f"未知参数：{k}", f"unknown key: {k}", k) for k in sorted(set(body) - KEYS)]
    score = body.get("score")
    if not (type(score) is int and 1 <= score <= 5):  # bool, "5" and 5.5 are refused, not coerced
        problems.append(Reason("range", "score：应为 1–5 的整数", "score: an integer from 1 to 5", "score"))
    comment = body.get("comment")
    if comment is None:
        comment = ""
    elif not isinstance(comment, str) or "\x00" in comment:  # PostgreSQL text cannot hold NUL
        problems.append(Reason("type", "comment：应为文本", "comment: must be a string", "comment"))
        comment = ""
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        problems.append(
            Reason(
                "max_length", f"comment：最多 {COMMENT_MAX} 字", f"comment: at most {COMMENT_MAX} characters", "comment"
            )
        )
    if problems:
        raise Invalid("评价内容有误", "invalid evaluation", problems)
    assert isinstance(score, int)  # checked above
    return score, comment


def rate(app: Application, user, body: dict) -> Evaluation:
    """Record the applicant's rating; the caller commits (a concurrent second rating hits the unique key there: 409)."""
    reason = refusal(app, user)
    if reason is not None:
        error = Forbidden if reason.status == 403 else Conflict
        raise error(reason.zh, reason.en, [reason], code=reason.rule)
    score, comment = clean(body)
    evaluation = Evaluation(application_id=app.id, applicant_id=user.id, score=score, comment=comment)
    db.session.add(evaluation)
    log.info("evaluation of %s: %s by %s", app.number, score, user.username)
    return evaluation
