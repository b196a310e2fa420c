"""Issued documents are stored once and served as stored: a missing or altered file is reported, never re-rendered."""

from pathlib import Path

import pytest


@pytest.fixture
def notice(api, app):
    submitted = api.submitted()
    doc = api.fire(submitted["id"], "register", "clerk_daoli").get_json()["documents"][0]
    stored = next(Path(app.config["STORAGE_DIR"], "documents").rglob("*.pdf"))
    return doc, stored


def test_download_headers(api, notice):
    doc, _stored = notice
    r = api.get(doc["url"], "alice")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert r.headers["ETag"].strip('"') == doc["sha256"] and "private" in r.headers["Cache-Control"]
    assert api.get(doc["url"], "bob").status_code == 404  # not the holder
    assert api.get(doc["url"], "clerk_nangang").status_code == 404  # not the issuing authority


@pytest.mark.parametrize("damage", ["missing", "altered"])
def test_damaged_file_is_reported_not_rerendered(api, notice, damage):
    doc, stored = notice
    if damage == "missing":
        stored.unlink()
    else:
        stored.write_bytes(stored.read_bytes() + b"%tampered")
    r = api.get(doc["url"], "alice")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "stored_file_problem"
    assert not stored.exists() if damage == "missing" else stored.read_bytes().endswith(b"%tampered")


def test_numbers_per_authority_kind_and_year(api):
    first = api.submitted()
    second = api.submitted(premise_address="友谊小区2号院3号楼")
    numbers = [
        api.fire(a["id"], "register", "clerk_daoli").get_json()["documents"][0]["number"] for a in (first, second)
    ]
    assert numbers == ["哈道市监经登字〔2026〕1号", "哈道市监经登字〔2026〕2号"]
    receipt = api.fire(api.submitted(premise_address="大业小区5号楼")["id"], "accept", "clerk_daoli").get_json()
    assert receipt["documents"][0]["number"] == "哈道市监收字〔2026〕1号"


def test_a_cancelled_document_says_so_on_verification(api, notice, app):
    """注销: a certificate whose holder closed what it certified is `cancelled` (API.md), a status the schema keeps
    and verification, the holder's list and the public page show."""
    from sqlalchemy import select

    from models import Application, Document, db
    from workflows import documents

    doc, _stored = notice
    with app.app_context():
        row = db.session.execute(select(Document).where(Document.number == doc["number"])).scalar_one()
        application = db.session.get(Application, row.application_id)
        assert documents.set_status(application, row.kind, "cancelled", "已注销 closed") == [doc["number"]]
        db.session.commit()
        token, app_id = row.token, row.application_id
    assert api.get(f"/api/v1/verify/{token}").get_json()["status"] == "cancelled"
    page = api.client.get(f"/verify/{token}").get_data(as_text=True)
    assert 'data-status="cancelled"' in page and "已注销" in page
    listed = api.get(f"/api/v1/applications/{app_id}", "alice").get_json()["documents"]
    assert [d["status"] for d in listed] == ["cancelled"]
