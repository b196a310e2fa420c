"""Claims (who handles an application: not a state change) and bulk actions from the inbox (each
application fired on its own, with its own version, transaction and audit entry)."""

from __future__ import annotations

import re

from models import Application, AuditEntry, db
from tests.conftest import PASSWORD
from tests.fire.test_fire_filing import ALL_KINDS, FIRE_FIELDS, set_mode
from tests.web.pages import html
from workflows import accounts

INBOX = {"Referer": "http://localhost/console/"}


def row(page: str, number: str) -> str:
    return re.search(rf'<tr[^>]*data-app="\d+">(?:(?!</tr>).)*{number}.*?</tr>', page, re.S).group(0)


def claim(client, app_id, action="claim"):
    return client.post(f"/console/applications/{app_id}/{action}", headers=INBOX, follow_redirects=True)


def test_claim_shows_the_handler_and_refuses_a_second_claimer(app, api, login):
    with app.app_context():
        accounts.create_user("clerk_daoli_2", PASSWORD, "clerk", "230102:market_regulation")
        db.session.commit()
    one, two = api.submitted(), api.submitted()
    clerk, approver = login("clerk_daoli"), login("clerk_daoli_2")  # both may act on a submitted application
    page = html(clerk.get("/console/"))
    assert "未认领" in row(page, one["number"]) and f'formaction="/console/applications/{one["id"]}/claim"' in page

    page = html(claim(clerk, one["id"]))
    assert "已认领" in page and "由 clerk_daoli 办理" in row(page, one["number"])
    assert f'formaction="/console/applications/{one["id"]}/unclaim"' in row(page, one["number"])
    assert "由 clerk_daoli 办理" in html(approver.get("/console/"))  # everyone sees who holds it
    assert "释放" not in row(html(approver.get("/console/")), one["number"])  # only the holder may release
    assert "已认领" in html(claim(clerk, one["id"]))  # claiming again: still theirs

    page = html(claim(approver, one["id"]))
    assert "该申请已由clerk_daoli办理，不能认领" in page
    assert "只有本人可以释放" in html(claim(approver, one["id"], "unclaim"))
    assert "由 clerk_daoli 办理" in row(html(approver.get("/console/")), one["number"])

    mine = html(clerk.get("/console/?claimed=me"))
    assert 'data-total="1"' in mine and one["number"] in mine
    assert 'data-total="1"' in html(clerk.get("/console/?claimed=none"))

    assert "已释放" in html(claim(clerk, one["id"], "unclaim"))
    assert "尚未被认领" in html(claim(clerk, one["id"], "unclaim"))
    assert "由 clerk_daoli_2 办理" in html(claim(approver, one["id"]))
    page = html(approver.get(f"/console/applications/{one['id']}"))
    assert "由 clerk_daoli_2 办理" in page and "释放" in page

    # a claim is not an event: the version, the state and the audit trail are untouched
    body = api.get(f"/api/v1/applications/{one['id']}", "alice").get_json()
    assert body["version"] == one["version"] and body["state"] == "submitted"
    assert [e["event"] for e in api.get(f"/api/v1/applications/{one['id']}/events", "alice").get_json()] == [
        "create",
        "submit",
    ]

    # another authority cannot even see it; a closed application cannot be claimed
    assert login("clerk_nangang").post(f"/console/applications/{one['id']}/claim").status_code == 404
    api.fire(two["id"], "register", "clerk_daoli")
    assert "已办结的申请不能认领" in html(claim(clerk, two["id"]))


def test_bulk_register_fires_each_one_separately(app, api, login):
    apps = [api.submitted() for _ in range(4)]
    stuck = apps[3]
    api.fire(
        stuck["id"],
        "request_correction",
        "clerk_daoli",
        {"items": [{"field": "business_scope", "reason": "经营范围须与营业执照一致"}]},
    )
    clerk = login("clerk_daoli")
    page = html(clerk.get("/console/"))
    options = re.search(r'<select id="bulk-event" name="event".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"', options) == ["register", "accept"]
    picks = re.findall(r'name="pick" value="(\d+:\d+)"', page)
    assert len(picks) == 4

    r = clerk.post("/console/bulk", data={"event": "register", "pick": picks}, headers=INBOX, follow_redirects=True)
    page = html(r)
    assert f"准予登记：已办理 3 件，1 件未能办理：{stuck['number']}: " in page
    assert "当前状态“待补正”下不能执行“准予登记”" in page
    with app.app_context():
        states = {a.id: a.state for a in db.session.execute(db.select(Application)).scalars()}
        entries = db.session.execute(db.select(AuditEntry).where(AuditEntry.event == "register")).scalars().all()
        assert sorted(e.application_id for e in entries) == sorted(a["id"] for a in apps[:3])
        assert len({e.hash for e in entries}) == 3 and all(e.actor == "clerk_daoli" for e in entries)
    assert [states[a["id"]] for a in apps] == ["registered"] * 3 + ["correction_required"]
    for a in apps[:3]:  # each has its own notice
        docs = api.get(f"/api/v1/applications/{a['id']}", "alice").get_json()["documents"]
        assert [d["kind"] for d in docs] == ["registration_notice"]


def test_bulk_reports_a_stale_version_and_refuses_no_choice(app, api, login):
    one, two = api.submitted(), api.submitted()
    clerk = login("clerk_daoli")
    picks = re.findall(r'name="pick" value="(\d+:\d+)"', html(clerk.get("/console/")))
    api.fire(two["id"], "accept", "clerk_daoli")  # someone acts meanwhile
    page = html(
        clerk.post("/console/bulk", data={"event": "accept", "pick": picks}, headers=INBOX, follow_redirects=True)
    )
    assert f"已办理 1 件，1 件未能办理：{two['number']}: 申请已被他人修改" in page
    assert api.get(f"/api/v1/applications/{one['id']}", "alice").get_json()["state"] == "under_review"

    page = html(
        clerk.post("/console/bulk", data={"event": "refuse", "pick": picks}, headers=INBOX, follow_redirects=True)
    )
    assert "请选择批量操作和至少一件申请" in page
    page = html(clerk.post("/console/bulk", data={"event": "register"}, headers=INBOX, follow_redirects=True))
    assert "请选择批量操作和至少一件申请" in page


def test_bulk_file_for_the_housing_clerk_and_none_for_reviewers(app, api, login):
    set_mode(app, "standard")
    ids = []
    for _ in range(2):
        r = api.post("/api/v1/applications", "alice", json={"procedure": "fire_filing", "fields": FIRE_FIELDS})
        ids.append(r.get_json()["id"])
        for kind in ALL_KINDS:
            api.upload(ids[-1], kind=kind)
        assert api.fire(ids[-1], "submit", "alice").get_json()["state"] == "submitted"
    clerk = login("clerk_daoli_housing")
    page = html(clerk.get("/console/"))
    options = re.search(r'<select id="bulk-event" name="event".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"', options) == ["file"]  # never the draw: it has its button
    picks = re.findall(r'name="pick" value="(\d+:\d+)"', page)
    page = html(
        clerk.post("/console/bulk", data={"event": "file", "pick": picks}, headers=INBOX, follow_redirects=True)
    )
    assert "予以备案：已办理 2 件" in page and "未能办理" not in page
    assert {api.get(f"/api/v1/applications/{i}", "alice").get_json()["state"] for i in ids} == {"filed"}
    assert 'id="bulk-event"' not in html(login("reviewer_daoli").get("/console/?tab=all"))
