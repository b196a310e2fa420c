"""Service evaluation (好差评, DOMAIN §4): the applicant rates a decided application 1–5, once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import IntegrityError

from app import create_app
from models import Evaluation, db
from tests.conftest import FIXED_TODAY, PASSWORD


def url(app: dict) -> str:
    return f"/api/v1/applications/{app['id']}/evaluation"


def test_rated_once(api, premise):
    registered = premise(("register", "clerk_daoli"))
    assert api.get(url(registered), "alice").status_code == 404  # not rated yet
    r = api.post(url(registered), "alice", json={"score": 5, "comment": "  当场办结，非常方便  "})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["application_id"], body["score"], body["comment"]) == (registered["id"], 5, "当场办结，非常方便")
    assert body["created_at"].endswith("+08:00")
    again = api.post(url(registered), "alice", json={"score": 1})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_rated"
    assert api.get(url(registered), "alice").get_json()["score"] == 5
    assert api.get(url(registered), "clerk_daoli").get_json()["score"] == 5  # the authority sees its scores


@pytest.mark.parametrize(
    "steps, status",
    [
        ((), 409),  # submitted: nothing decided yet
        ((("accept", "clerk_daoli"),), 409),  # under review
        ((("request_correction", "clerk_daoli"),), 409),  # waiting on the applicant
        ((("register", "clerk_daoli"),), 201),  # decided (holder None), not final
        ((("refuse", "clerk_daoli"),), 201),  # final
        ((("withdraw", "alice"),), 201),  # final
        ((("register", "clerk_daoli"), ("cancel", "alice")), 201),  # final after a decision
    ],
    ids=["submitted", "under_review", "correction", "registered", "refused", "withdrawn", "cancelled"],
)
def test_only_once_decided(api, premise, steps, status):
    app = premise(*steps)
    r = api.post(url(app), "alice", json={"score": 4})
    assert r.status_code == status, r.get_json()
    if status == 409:
        assert r.get_json()["error"]["code"] == "not_decided"


def test_draft_is_not_rated(api):
    draft = api.draft()
    assert api.post(url(draft), "alice", json={"score": 4}).status_code == 409


def test_only_the_applicant(api, premise):
    registered = premise(("register", "clerk_daoli"))
    assert api.post(url(registered), "bob", json={"score": 5}).status_code == 404  # cannot see it
    assert api.post(url(registered), "clerk_nangang", json={"score": 5}).status_code == 404
    staff = api.post(url(registered), "clerk_daoli", json={"score": 5})  # sees it, may not rate
    assert staff.status_code == 403 and staff.get_json()["error"]["code"] == "own_application"
    assert api.post(url(registered), "admin", json={"score": 5}).status_code == 404  # admins see none (DOMAIN §0)
    assert api.post(url(registered), "auditor", json={"score": 5}).status_code == 403  # sees it, changes nothing
    assert api.post(url(registered), "alice", json={"score": 5}).status_code == 201
    assert api.get(url(registered), "bob").status_code == 404
    assert api.get(url(registered), "clerk_nangang").status_code == 404
    assert api.get(url(registered)).status_code == 401
    assert api.post("/api/v1/applications/999999/evaluation", "alice", json={"score": 5}).status_code == 404


@pytest.mark.parametrize("score", [0, 6, "5", 5.5, True, None, -1, [5]], ids=repr)
def test_score_bounds(api, premise, score):
    registered = premise(("register", "clerk_daoli"))
    body = {} if score is None else {"score": score}
    r = api.post(url(registered), "alice", json=body)
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert [d["field"] for d in error["details"]] == ["score"]
    assert api.get(url(registered), "alice").status_code == 404  # nothing stored


@pytest.mark.parametrize("score", [1, 5])
def test_score_limits_accepted(api, premise, score):
    registered = premise(("register", "clerk_daoli"))
    assert api.post(url(registered), "alice", json={"score": score}).status_code == 201


def test_comment_and_keys_checked_together(api, premise):
    registered = premise(("register", "clerk_daoli"))
    r = api.post(url(registered), "alice", json={"score": 9, "comment": "好" * 501, "stars": 5})
    assert r.status_code == 422
    assert {d["field"] for d in r.get_json()["error"]["details"]} == {"score", "comment", "stars"}
    assert api.post(url(registered), "alice", json={"score": 3, "comment": 42}).status_code == 422
    assert api.post(url(registered), "alice", json=[3]).status_code == 400
    assert api.post(url(registered), "alice", json={"score": 3, "comment": "好" * 500}).status_code == 201


def test_score_check_constraint(app, api, premise):
    registered = premise(("register", "clerk_daoli"))
    with app.app_context():
        alice_id = db.session.execute(db.text("SELECT id FROM users WHERE username = 'alice'")).scalar()
        db.session.add(Evaluation(application_id=registered["id"], applicant_id=alice_id, score=6, comment=""))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


# --- the applicant's page -------------------------------------------------------------------


def test_page_form_then_score(app, api, premise):
    client = app.test_client()
    assert client.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 302
    pending = premise()
    page = client.get(f"/my/applications/{pending['id']}").get_data(as_text=True)
    assert 'id="evaluation"' not in page  # nothing to rate before a decision
    registered = premise(("register", "clerk_daoli"))
    page = client.get(f"/my/applications/{registered['id']}").get_data(as_text=True)
    assert f'action="/stats/evaluate/{registered["id"]}"' in page and 'name="score"' in page
    r = client.post(f"/stats/evaluate/{registered['id']}", data={"score": "4", "comment": "窗口服务热情"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/my/applications/{registered['id']}#evaluation")
    page = client.get(f"/my/applications/{registered['id']}").get_data(as_text=True)
    assert 'data-score="4"' in page and "窗口服务热情" in page and 'name="score"' not in page
    again = client.post(f"/stats/evaluate/{registered['id']}", data={"score": "5"}, follow_redirects=True)
    assert "每件申请只能评价一次" in again.get_data(as_text=True)
    assert api.get(url(registered), "alice").get_json()["score"] == 4


def test_page_refuses_bad_scores_and_others(app, api, premise):
    registered = premise(("register", "clerk_daoli"))
    alice, bob, clerk = (app.test_client() for _ in range(3))
    for client, name in ((alice, "alice"), (bob, "bob"), (clerk, "clerk_daoli")):
        assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    for bad in ("0", "6", "五", "²", "9" * 5000, ""):
        r = alice.post(f"/stats/evaluate/{registered['id']}", data={"score": bad}, follow_redirects=True)
        assert r.status_code == 200 and "score：应为 1–5 的整数" in r.get_data(as_text=True)
    assert bob.post(f"/stats/evaluate/{registered['id']}", data={"score": "5"}).status_code == 404
    assert clerk.post(f"/stats/evaluate/{registered['id']}", data={"score": "5"}).status_code == 403
    assert app.test_client().post(f"/stats/evaluate/{registered['id']}", data={"score": "5"}).status_code == 302
    assert api.get(url(registered), "alice").status_code == 404


@pytest.fixture
def csrf_app(_schema, tmp_path, app):
    """A second app on the same test database with CSRF protection on, as in production."""
    protected = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _schema,
            "WTF_CSRF_ENABLED": True,
            "STORAGE_DIR": str(tmp_path / "storage"),
            "TODAY": FIXED_TODAY,
        }
    )
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


def token_from(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_page_form_needs_csrf_token(csrf_app, api, premise):
    registered = premise(("register", "clerk_daoli"))
    client = csrf_app.test_client()
    token = token_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    rate = f"/stats/evaluate/{registered['id']}"
    assert client.post(rate, data={"score": "5"}).status_code == 400
    page = client.get(f"/my/applications/{registered['id']}").get_data(as_text=True)
    form = page[page.index('id="evaluation"') :]
    token = token_from(form)
    assert client.post(rate, data={"score": "5", "csrf_token": token}).status_code == 303
