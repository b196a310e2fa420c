"""Notifications by e-mail: one bilingual message per notification, after the commit, inline or through RQ."""

from __future__ import annotations

import email
import email.policy

from rq import SimpleWorker
from sqlalchemy import func, select

from models import Notification, User, db
from tests.ops.conftest import set_email

CORRECTION = {"items": [{"field": "premise_address", "reason": "门牌号不清"}]}


def alices_notifications(app) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(Notification).join(User).where(User.username == "alice")
        ).scalar_one()


def ask_for_correction(api) -> dict:
    submitted = api.submitted()
    r = api.fire(submitted["id"], "request_correction", "clerk_daoli", data=CORRECTION)
    assert r.status_code == 200, r.get_json()
    return submitted


def check_message(raw: bytes) -> None:
    headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # every header is 7-bit on the wire
    subject_line = next(h for h in headers.split("\r\n") if h.lower().startswith("subject:"))
    assert "=?utf-8?" in subject_line.lower()  # RFC 2047 encoded words
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert "补正" in str(msg["Subject"]) and str(msg["Subject"]).startswith("【便民】")
    parts = {p["Content-Language"]: p.get_content() for p in msg.iter_parts()}
    assert set(parts) == {"zh-CN", "en"}
    assert "您的申请需要补正材料" in parts["zh-CN"] and "alice" in parts["zh-CN"]
    assert "Your application needs corrections" in parts["en"] and parts["en"].startswith("Dear alice")
    assert "http://bianmin.test/my/applications/" in parts["en"]


def test_without_redis_the_mail_is_sent_inline_after_the_commit(app, api, smtp, fast_pdf):
    set_email(app, "alice", "alice@example.cn")
    ask_for_correction(api)
    to_alice = [m for m in smtp.messages if m[1] == ["alice@example.cn"]]
    assert len(to_alice) == 1
    assert len(smtp.messages) == 1  # the staff have no address: in-app only
    assert to_alice[0][0] == "bianmin@harbin.example"
    check_message(to_alice[0][2])


def test_with_redis_the_mail_is_queued_and_a_worker_sends_it(app, api, smtp, rq_queue, client, fast_pdf):
    set_email(app, "alice", "alice@example.cn")
    ask_for_correction(api)
    assert smtp.messages == []  # nothing sent by the request itself
    queued = len(rq_queue)
    assert queued >= 1
    from tests.ops.test_observability import metric

    assert metric(client, "bianmin_queue_depth", queue=rq_queue.name) == queued
    with app.app_context():
        SimpleWorker([rq_queue], connection=rq_queue.connection).work(burst=True)
    assert len(rq_queue) == 0 and rq_queue.failed_job_registry.count == 0
    assert [m[1] for m in smtp.messages] == [["alice@example.cn"]]
    check_message(smtp.messages[0][2])


def test_the_flask_worker_runs_each_job_inside_the_app(app, api, smtp, rq_queue, fast_pdf):
    """`flask --app app worker`'s worker pushes the app context itself: no app context around it here."""
    from cli.worker import worker_class

    set_email(app, "alice", "alice@example.cn")
    ask_for_correction(api)
    assert len(rq_queue) >= 1
    worker_class(app)([rq_queue], connection=rq_queue.connection).work(burst=True)
    assert rq_queue.failed_job_registry.count == 0
    assert [m[1] for m in smtp.messages] == [["alice@example.cn"]]


def test_a_rolled_back_notification_sends_nothing(app, smtp, users):
    set_email(app, "alice", "alice@example.cn")
    with app.app_context():
        alice = db.session.execute(select(User).where(User.username == "alice")).scalar_one()
        db.session.add(Notification(user_id=alice.id, kind="test", message_zh="测试", message_en="test"))
        db.session.flush()
        db.session.rollback()
        db.session.add(Notification(user_id=alice.id, kind="test", message_zh="第二条测试", message_en="second"))
        db.session.commit()
    assert len(smtp.messages) == 1
    assert "第二条测试" in str(email.message_from_bytes(smtp.messages[0][2], policy=email.policy.default)["Subject"])


def test_no_smtp_host_means_in_app_only(app, api, fast_pdf):
    set_email(app, "alice", "alice@example.cn")
    ask_for_correction(api)
    assert alices_notifications(app) >= 1  # nothing to assert about mail: there is no server to call


def test_an_unreachable_smtp_server_does_not_undo_the_event(app, api, fast_pdf):
    from tests.ops.conftest import free_port

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    set_email(app, "alice", "alice@example.cn")
    submitted = ask_for_correction(api)
    assert api.get(f"/api/v1/applications/{submitted['id']}", "alice").get_json()["state"] == "correction_required"
    assert alices_notifications(app) >= 1
