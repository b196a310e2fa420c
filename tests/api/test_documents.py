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
