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


def test_verification_by_token_answers_as_the_document_itself(api, notice, app):
    """The verification lookup (one SELECT, straight to psycopg on PostgreSQL: infra/extensions.lookup_one) answers
    exactly what the ORM's document gives, snapshot entries included; and still answers after its pooled connection
    was closed behind its back (the driver's error falls back to SQLAlchemy, which reconnects)."""
    import json

    from sqlalchemy import select

    from infra.extensions import lookup_engine
    from models import Document, db
    from workflows.documents import public_view

    doc, _stored = notice
    with app.app_context():
        row = db.session.execute(select(Document).where(Document.number == doc["number"])).scalar_one()
        token, expected = row.token, json.loads(json.dumps(public_view(row), ensure_ascii=False))
    r = api.get(f"/api/v1/verify/{token}")
    assert r.status_code == 200 and r.get_json() == expected
    assert expected["authority"] == "哈尔滨市道里区市场监督管理局" and expected["content_digest"]
    with app.app_context():
        with lookup_engine().connect() as conn:  # the connection the next lookup takes from the pool, closed
            conn.connection.driver_connection.close()
    r = api.get(f"/api/v1/verify/{token}")
    assert r.status_code in (200, 503), r.get_json()  # never a 500
    if r.status_code == 503:  # SQLAlchemy saw the closed connection, invalidated it and said so: the next one works
        assert api.get(f"/api/v1/verify/{token}").get_json() == expected
    assert api.get("/api/v1/verify/" + "x" * 32).status_code == 404
